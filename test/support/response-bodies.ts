import assert from "node:assert/strict";
import type { IngestAccepted } from "../../functions/ingest/app.ts";
import type { Problem } from "../../functions/shared/runtime/problems.ts";

// For answers to requests a typed client cannot send (raw or malformed bodies, proxied routes):
// the body is checked to have the answer's shape before a test reads it as one.

/** An error answer's body, `{ error, … }`. */
export async function problemOf(response: Response): Promise<Problem> {
  const body: unknown = await response.json();
  assert.ok(
    typeof body === "object" && body !== null && "error" in body && typeof body.error === "string",
    `expected an error body, got ${JSON.stringify(body)}`,
  );
  return body as Problem;
}

/** ingest's 202 body. */
export async function acceptedOf(response: Response): Promise<IngestAccepted> {
  const body: unknown = await response.json();
  assert.ok(
    typeof body === "object" &&
      body !== null &&
      "document_id" in body &&
      typeof body.document_id === "string" &&
      "key" in body &&
      typeof body.key === "string",
    `expected ingest's 202 body, got ${JSON.stringify(body)}`,
  );
  return body as IngestAccepted;
}
