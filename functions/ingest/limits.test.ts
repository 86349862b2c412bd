import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { startEventSink } from "../../test/support/event-sink.ts";
import { stringifyEscaped } from "../../test/support/json-escape.ts";
import { silentLogger } from "../../test/support/silent-logger.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { HttpSpoolPublisher } from "../shared/backends/events/http-spool.ts";
import { FilesystemObjectStore } from "../shared/backends/object-store/filesystem.ts";
import { createIngestApp } from "./app.ts";
import { problemOf } from "../../test/support/response-bodies.ts";

// The documented limit is 5 MB of text, however the JSON on the wire spells it.
describe("ingest request limits", async () => {
  const dataDir = await tempDir("ingest-limits");
  const sink = await startEventSink();
  const publisher = new HttpSpoolPublisher({
    sink: sink.url,
    spoolDir: `${dataDir}/spool`,
    logger: silentLogger,
    minBackoffMs: 20,
  });
  after(() => publisher.close());
  const app = createIngestApp({
    objectStore: new FilesystemObjectStore(dataDir, "documents"),
    publisher,
    logger: silentLogger,
    maxDocumentBytes: 5 * 1024 * 1024,
  });
  const post = (body: string) =>
    app.request("/ingest", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });

  it("accepts a 3 MB text sent as \\u-escaped JSON (18 MB on the wire)", async () => {
    const response = await post(
      stringifyEscaped({
        text: "a".repeat(3 * 1024 * 1024),
        id: "escaped",
        metadata: { title: "ü".repeat(4096) },
      }),
    );
    assert.equal(response.status, 202, await response.clone().text());
  });

  it("answers 413 naming the limit in bytes of text for an escaped text over it", async () => {
    const response = await post(
      stringifyEscaped({ text: "a".repeat(5 * 1024 * 1024 + 1), id: "too-large" }),
    );
    assert.equal(response.status, 413);
    const problem = await problemOf(response);
    assert.match(problem.error, /text is 5242881 bytes; the limit is 5242880/);
  });
});
