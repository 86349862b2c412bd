import assert from "node:assert/strict";
import type { IngestAccepted } from "../../functions/ingest/app.ts";
import type { IndexOutcome } from "../../functions/index-document/app.ts";
import type { SearchResponse } from "../../functions/search/responses.ts";
import type { Problem } from "../../functions/shared/runtime/problems.ts";

// For answers to requests a typed client cannot send (raw or malformed bodies, proxied routes,
// requests made by curl or inside a browser): the body is checked to have the answer's shape
// before a test reads it as one. The `…Of` helpers read a response, the `as…` ones a parsed body.

/** Anything with a JSON body: fetch's Response, a typed client's, Playwright's. */
interface JsonAnswer {
  json(): Promise<unknown>;
}

/** An error answer's body, `{ error, … }`. */
export async function problemOf(response: JsonAnswer): Promise<Problem> {
  const body = await response.json();
  assert.ok(
    isObject(body) && typeof body.error === "string",
    `expected an error body, got ${JSON.stringify(body)}`,
  );
  return body as unknown as Problem;
}

/** ingest's 202 body. */
export async function acceptedOf(response: JsonAnswer): Promise<IngestAccepted> {
  return asAccepted(await response.json());
}

export function asAccepted(body: unknown): IngestAccepted {
  assert.ok(
    isObject(body) && typeof body.document_id === "string" && typeof body.key === "string",
    `expected ingest's 202 body, got ${JSON.stringify(body)}`,
  );
  return body as unknown as IngestAccepted;
}

/** search's 200 body. */
export async function searchAnswerOf(response: JsonAnswer): Promise<SearchResponse> {
  return asSearchAnswer(await response.json());
}

export function asSearchAnswer(body: unknown): SearchResponse {
  assert.ok(
    isObject(body) &&
      typeof body.answer === "string" &&
      Array.isArray(body.sources) &&
      body.sources.every((s) => isObject(s) && typeof s.document_id === "string") &&
      isObject(body.metadata),
    `expected search's 200 body, got ${JSON.stringify(body)}`,
  );
  return body as unknown as SearchResponse;
}

/** index-document's 200 body: the document indexed, or skipped and why. */
export async function indexOutcomeOf(response: JsonAnswer): Promise<IndexOutcome> {
  const body = await response.json();
  assert.ok(
    isObject(body) &&
      (body.status === "indexed" || body.status === "skipped") &&
      typeof body.document_id === "string",
    `expected index-document's 200 body, got ${JSON.stringify(body)}`,
  );
  return body as unknown as IndexOutcome;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
