import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { capturingLogger } from "../../../test/support/capturing-logger.ts";
import { freePort } from "../../../test/support/free-port.ts";
import { startEventSink } from "../../../test/support/event-sink.ts";
import { silentLogger } from "../../../test/support/silent-logger.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { createIngestApp } from "../../ingest/app.ts";
import { createPageTestApp } from "../../../test/support/page-test-app.ts";
import { HttpSpoolPublisher } from "../backends/events/http-spool.ts";
import { FilesystemObjectStore } from "../backends/object-store/filesystem.ts";
import { EmbedClient } from "../embed-client.ts";
import { createSearchApp } from "../../search/app.ts";
import { ExtractiveAnswerer } from "../backends/answerer/extractive.ts";
import { MemoryCache } from "../backends/cache/memory.ts";
import { FileIndexState } from "../backends/index-state/file.ts";
import { EmbeddedVectorStore } from "../backends/vector-store/embedded.ts";
import { healthRoutes } from "./health.ts";
import type { Problem } from "./problems.ts";

// Error and readiness bodies say what failed (the dependency), never where (paths, internal URLs,
// a dependency's own message); the operator finds the detail in the log line of the same request.
describe("error and readiness bodies disclose no server details", async () => {
  // An object store whose directory is a regular file: every operation fails with ENOTDIR and an absolute path.
  const brokenDir = await tempDir("disclosure");
  await writeFile(join(brokenDir, "objects"), "not a directory");
  const sink = await startEventSink();
  const publisher = new HttpSpoolPublisher({
    sink: sink.url,
    spoolDir: join(await tempDir("disclosure-spool"), "spool"),
    logger: silentLogger,
    minBackoffMs: 20,
  });
  after(() => publisher.close());
  const closedPort = await freePort();

  function ingestApp() {
    const captured = capturingLogger();
    const app = createIngestApp({
      objectStore: new FilesystemObjectStore(brokenDir, "documents"),
      publisher,
      logger: captured.logger,
      maxDocumentBytes: 1000,
    });
    return { app, log: captured.text };
  }

  it("a failing object store answers 503 naming the dependency, not the file it tried", async () => {
    const { app, log } = ingestApp();
    const response = await app.request("/ingest", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "hello", id: "d1" }),
    });
    assert.equal(response.status, 503);
    assert.ok(response.headers.get("retry-after"));
    const text = await response.text();
    assert.ok(!text.includes(brokenDir), `body leaks a server path: ${text}`);
    assert.doesNotMatch(text, /ENOTDIR|\//);
    const body: Problem = JSON.parse(text);
    assert.equal(body.dependency, "object-store");
    assert.equal(body.retryable, true);
    assert.match(body.error, /object-store/);
    assert.ok(log().includes(brokenDir), "the log keeps the detail for the operator");
  });

  it("readiness lists the failing check without its error message", async () => {
    const captured = capturingLogger();
    const app = healthRoutes({
      dependencies: { objectStore: new FilesystemObjectStore(brokenDir, "documents"), publisher },
      logger: captured.logger,
    });
    const log = captured.text;
    const response = await app.request("/health/readiness");
    assert.equal(response.status, 503);
    const text = await response.text();
    assert.ok(!text.includes(brokenDir), `readiness leaks a server path: ${text}`);
    const body = JSON.parse(text) as { status: string; checks: Record<string, string> };
    assert.deepEqual(body, {
      status: "not ready",
      checks: { objectStore: "unavailable", publisher: "ok" },
    });
    assert.ok(log().includes(brokenDir), "the log names what failed and where");
  });

  it("the page's /api/ingest does not reveal the internal ingest URL when ingest is down", async () => {
    const { app } = createPageTestApp(await tempDir("disclosure-page"), {
      ingestUrl: `http://127.0.0.1:${closedPort}`,
      ingestTimeoutMs: 2000,
    });
    const response = await app.request("/api/ingest", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "x" }),
    });
    assert.equal(response.status, 503);
    const text = await response.text();
    assert.ok(!text.includes(String(closedPort)), `body leaks the ingest URL: ${text}`);
    const problem: Problem = JSON.parse(text);
    assert.equal(problem.dependency, "ingest");
  });

  it("search does not reveal embed's URL when embed is down", async () => {
    const dataDir = await tempDir("disclosure-search");
    const captured = capturingLogger();
    const app = createSearchApp({
      vectorStore: new EmbeddedVectorStore(dataDir),
      indexState: new FileIndexState(dataDir),
      cache: new MemoryCache({ maxEntries: 10, maxBytes: 1024 * 1024 }),
      answerer: new ExtractiveAnswerer(),
      embedClient: new EmbedClient(`http://127.0.0.1:${closedPort}`, 1000),
      logger: captured.logger,
      cacheTtlSeconds: 60,
      maxQueryChars: 100,
    });
    const response = await app.request("/search", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "scale to zero" }),
    });
    assert.equal(response.status, 503);
    const text = await response.text();
    assert.ok(!text.includes(String(closedPort)), `body leaks embed's URL: ${text}`);
    const problem: Problem = JSON.parse(text);
    assert.equal(problem.dependency, "embed");
    assert.ok(captured.text().includes(String(closedPort)), "the log says where embed was called");
  });
});
