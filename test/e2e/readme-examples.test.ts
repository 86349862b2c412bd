import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { after, describe, it } from "node:test";
import { createPageTestApp } from "../support/page-test-app.ts";
import { documentStoredSchema, EVENT_TYPE } from "../../functions/shared/domain/document.ts";
import type { IngestAccepted } from "../../functions/ingest/app.ts";
import { ingestToSink } from "../support/ingest-to-sink.ts";
import { asSearchAnswer } from "../support/response-bodies.ts";
import { serveApp } from "../support/serve-app.ts";
import { tempDir } from "../support/temp-dir.ts";
import { waitFor } from "../support/wait-for.ts";

const run = promisify(execFile);
const INGEST_URL = "http://127.0.0.1:8081";
const SEARCH_URL = "http://127.0.0.1:8080";

/** The README's curl commands (```sh blocks, continuation lines and multi-line quotes joined). */
function readmeCurls(): string[] {
  const readme = readFileSync("README.md", "utf8");
  const commands: string[] = [];
  for (const [, block] of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let current: string | undefined;
    for (const line of block!.split("\n")) {
      if (current === undefined && !line.startsWith("curl ")) continue;
      current = current === undefined ? line : `${current}\n${line}`;
      const openQuote = (current.match(/'/g) ?? []).length % 2 === 1;
      if (!openQuote && !line.endsWith("\\")) {
        commands.push(current);
        current = undefined;
      }
    }
  }
  return commands;
}

/** Runs a README command in bash against `url` instead of its local default; the HTTP status and body. */
async function runCurl(command: string, url: string): Promise<{ status: number; body: string }> {
  const script = `${command.replaceAll(INGEST_URL, url).replaceAll(SEARCH_URL, url)} -sS -w '\\n%{http_code}'`;
  const { stdout } = await run("bash", ["-c", script], { timeout: 20_000 });
  const cut = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

describe("the README's ingest examples", () => {
  const examples = readmeCurls().filter((c) => c.includes(`${INGEST_URL}/`) && !c.includes("$"));

  it("are in the README: binary and structured rag.document.submitted events", () => {
    assert.ok(
      examples.some((c) => c.includes("ce-type: rag.document.submitted")),
      "a binary-mode example",
    );
    assert.ok(
      examples.some((c) => c.includes("application/cloudevents+json")),
      "a structured-mode example",
    );
  });

  it("each is accepted by ingest, and each publishes its document", async () => {
    const ingest = await ingestToSink("readme-examples");
    after(() => ingest.close());
    const { sink } = ingest;
    const url = await serveApp(ingest.app);

    const documents = new Set<string>();
    for (const example of examples) {
      const { status, body } = await runCurl(example, url);
      assert.equal(status, 202, `${example}\n→ ${status} ${body}`);
      const accepted: IngestAccepted = JSON.parse(body);
      assert.equal(accepted.duplicate, false, example);
      documents.add(accepted.document_id);
    }
    await waitFor(
      "one rag.document.stored event per example",
      () => sink.received.length >= documents.size || undefined,
    );
    const published = sink.received.map(
      (r) => documentStoredSchema.parse(JSON.parse(r.body)).document_id,
    );
    assert.deepEqual(new Set(published), documents);
    assert.ok(sink.received.every((r) => r.headers["ce-type"] === EVENT_TYPE.documentStored));
  });
});

describe("the README's search examples", () => {
  const examples = readmeCurls().filter(
    (c) => c.includes(`${SEARCH_URL}/search`) && !c.includes("$"),
  );

  it("each is answered by search, the matching document first", async () => {
    assert.ok(examples.length > 0, "the quick start shows a search");
    const search = createPageTestApp(await tempDir("readme-search"), {});
    await search.index(
      "default",
      "scale-to-zero",
      "A Knative function wakes up from zero when a request arrives: the activator holds it.",
      "Scale to zero",
    );
    const url = await serveApp(search.app);
    for (const example of examples) {
      const { status, body } = await runCurl(example, url);
      assert.equal(status, 200, `${example}\n→ ${status} ${body}`);
      assert.equal(
        asSearchAnswer(JSON.parse(body)).sources[0]?.document_id,
        "scale-to-zero",
        example,
      );
    }
  });
});
