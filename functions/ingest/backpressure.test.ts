import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { testClient } from "hono/testing";
import { startEventSink } from "../../test/support/event-sink.ts";
import { waitFor } from "../../test/support/wait-for.ts";
import { silentLogger } from "../../test/support/silent-logger.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { HttpSpoolPublisher } from "../shared/backends/events/http-spool.ts";
import { FilesystemObjectStore } from "../shared/backends/object-store/filesystem.ts";
import { DEFAULT_NAMESPACE, receiptKey } from "../shared/domain/document.ts";
import { createIngestApp } from "./app.ts";

describe("ingest backpressure", () => {
  it("answers 503 + Retry-After with a JSON body while the spool's backlog is at its limit, and accepts again once it drains", async () => {
    const dataDir = await tempDir("backpressure");
    const sink = await startEventSink();
    sink.respondWith(503);
    const publisher = new HttpSpoolPublisher({
      sink: sink.url,
      spoolDir: `${dataDir}/spool`,
      logger: silentLogger,
      minBackoffMs: 10,
      maxBackoffMs: 40,
      maxAttempts: 1000,
      pollMs: 20,
    });
    after(() => publisher.close());
    const objectStore = new FilesystemObjectStore(dataDir, "documents");
    const app = createIngestApp({
      objectStore,
      publisher,
      logger: silentLogger,
      maxDocumentBytes: 1000,
      maxBacklog: 3,
      backlogRetryAfterSeconds: 2,
    });
    const client = testClient(app);
    const ingest = (id: string) => client.ingest.$post({ json: { id, text: `text of ${id}` } });

    for (const id of ["a", "b", "c"]) assert.equal((await ingest(id)).status, 202, id);
    const refused = await ingest("d");
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "2");
    const body = await refused.json();
    assert.match(body.error, /backlog/);
    assert.equal(body.retryable, true);
    assert.equal(body.backlog, 3);
    assert.equal(body.max_backlog, 3);
    assert.equal(
      await objectStore.get(receiptKey(DEFAULT_NAMESPACE, "d")),
      undefined,
      "a refused submission stores nothing",
    );

    sink.respondWith(202);
    await waitFor("the backlog to drain", () => publisher.backlog() === 0 || undefined);
    assert.equal((await ingest("d")).status, 202);
    await waitFor("all four events", () => sink.received.length === 4 || undefined);
  });
});
