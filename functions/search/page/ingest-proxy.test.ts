import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { startEventSink } from "../../../test/support/event-sink.ts";
import { waitFor } from "../../../test/support/wait-for.ts";
import { freePort } from "../../../test/support/free-port.ts";
import { serveApp } from "../../../test/support/serve-app.ts";
import { silentLogger } from "../../../test/support/silent-logger.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { HttpSpoolPublisher } from "../../shared/backends/events/http-spool.ts";
import { FilesystemObjectStore } from "../../shared/backends/object-store/filesystem.ts";
import type { StoredDocument } from "../../shared/domain/document.ts";
import { createIngestApp } from "../../ingest/app.ts";
import type { SearchApp } from "../app.ts";
import { createPageTestApp } from "../../../test/support/page-test-app.ts";
import { acceptedOf, problemOf } from "../../../test/support/response-bodies.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("POST /api/ingest proxy", async () => {
  const dataDir = await tempDir("ingest-proxy");
  const eventSink = await startEventSink();
  const objectStore = new FilesystemObjectStore(dataDir, "documents");
  const publisher = new HttpSpoolPublisher({
    sink: eventSink.url,
    spoolDir: `${dataDir}/spool`,
    logger: silentLogger,
    minBackoffMs: 20,
  });
  after(() => publisher.close());
  const ingestUrl = await serveApp(
    createIngestApp({ objectStore, publisher, logger: silentLogger, maxDocumentBytes: 200_000 }),
  );
  // A loaded machine can take seconds to answer; only the time-out test waits for less.
  const front = (url?: string, timeoutMs = 30_000) =>
    createPageTestApp(dataDir, { ingestUrl: url, ingestTimeoutMs: timeoutMs }).app;
  const post = (
    app: SearchApp,
    body: string,
    headers: Record<string, string> = { "content-type": "application/json" },
    query = "",
  ) => app.request(`/api/ingest${query}`, { method: "POST", headers, body });
  const storedDocument = async (key: string): Promise<StoredDocument> =>
    JSON.parse(Buffer.from((await objectStore.get(key))!).toString());

  it("forwards a JSON document to a real ingest and returns its 202", async () => {
    const response = await post(
      front(ingestUrl),
      JSON.stringify({
        text: "Knative scales to zero.",
        metadata: { title: "Scaling" },
        namespace: "proxy",
        id: "doc-1",
      }),
    );
    assert.equal(response.status, 202);
    const accepted = await acceptedOf(response);
    assert.deepEqual([accepted.document_id, accepted.namespace], ["doc-1", "proxy"]);
    const stored = await storedDocument(accepted.key);
    assert.equal(stored.text, "Knative scales to zero.");
    assert.equal(stored.metadata.title, "Scaling");
    await waitFor("the stored event", () =>
      eventSink.received.find((r) => r.headers["ce-subject"] === "doc-1"),
    );
  });

  it("streams documents far larger than search's own request limit", async () => {
    const text = "Long document about autoscaling. ".repeat(3000);
    const tooLargeForSearch = await front(ingestUrl).request("/search", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: text }),
    });
    assert.equal(tooLargeForSearch.status, 413);
    const response = await post(front(ingestUrl), JSON.stringify({ text, id: "large" }));
    assert.equal(response.status, 202, await response.clone().text());
    const { key } = await acceptedOf(response);
    const stored = await storedDocument(key);
    assert.equal(stored.size, Buffer.byteLength(text));
  });

  it("forwards raw Markdown with its query string", async () => {
    const response = await post(
      front(ingestUrl),
      "# Notes\n\nActivator buffers requests.",
      { "content-type": "text/markdown" },
      "?title=Notes&namespace=proxy&id=notes",
    );
    assert.equal(response.status, 202);
    const { key } = await acceptedOf(response);
    const stored = await storedDocument(key);
    assert.deepEqual(stored.metadata, { type: "markdown", title: "Notes" });
  });

  it("passes ingest's 4xx JSON answers through unchanged", async () => {
    const empty = await post(front(ingestUrl), JSON.stringify({ text: "   " }));
    assert.equal(empty.status, 400);
    const emptyProblem = await problemOf(empty);
    assert.match(emptyProblem.error, /text must not be empty/);
    const tooLarge = await post(front(ingestUrl), JSON.stringify({ text: "x".repeat(300_000) }));
    assert.equal(tooLarge.status, 413);
    const tooLargeProblem = await problemOf(tooLarge);
    assert.match(tooLargeProblem.error, /larger than|limit/);
  });

  it("forwards the W3C trace context and only the headers ingest needs", async () => {
    const recorder = await startEventSink();
    const response = await post(front(recorder.url), JSON.stringify({ text: "traced" }), {
      "content-type": "application/json",
      traceparent: TRACEPARENT,
      tracestate: "vendor=1",
      "idempotency-key": "k-1",
      cookie: "session=secret",
    });
    assert.equal(response.status, 202);
    const [request] = recorder.received;
    assert.equal(request!.headers.traceparent, TRACEPARENT);
    assert.equal(request!.headers.tracestate, "vendor=1");
    assert.equal(request!.headers["idempotency-key"], "k-1");
    assert.equal(request!.headers.cookie, undefined);
    assert.equal(request!.body, JSON.stringify({ text: "traced" }));
  });

  it("answers 503 JSON naming ingest when it is down", async () => {
    const response = await post(
      front(`http://127.0.0.1:${await freePort()}`),
      JSON.stringify({ text: "x" }),
    );
    assert.equal(response.status, 503);
    assert.ok(response.headers.get("retry-after"));
    const body = await problemOf(response);
    assert.equal(body.error, "ingest is unavailable; retry later");
    assert.equal(body.dependency, "ingest");
  });

  it("gives up on an ingest that never answers", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    after(() => {
      silent.closeAllConnections();
      silent.close();
    });
    const started = Date.now();
    const response = await post(
      front(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, 300),
      JSON.stringify({ text: "x" }),
    );
    assert.equal(response.status, 503);
    const problem = await problemOf(response);
    assert.equal(problem.dependency, "ingest");
    assert.ok(Date.now() - started < 3000);
  });

  it("answers 501 when INGEST_URL is not set", async () => {
    const response = await post(front(undefined), JSON.stringify({ text: "x" }));
    assert.equal(response.status, 501);
    const problem = await problemOf(response);
    assert.match(problem.error, /not configured: set INGEST_URL/);
  });
});
