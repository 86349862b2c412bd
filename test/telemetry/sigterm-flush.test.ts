import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { assertBuilt, named, startSpanCollector, type SpanCollector } from "./support/span-collector.ts";
import { startFunctionProcess, type FunctionProcess } from "./support/function-process.ts";

describe("SIGTERM flushes the spans and metrics still queued", () => {
  let collector: SpanCollector;
  let ingest: FunctionProcess;
  let dataDir: string;

  before(async () => {
    assertBuilt();
    dataDir = await mkdtemp(join(tmpdir(), "knative-rag-sigterm-"));
    collector = await startSpanCollector(dataDir);
    // Nothing leaves on a timer within the test: only the shutdown flush can deliver.
    ingest = await startFunctionProcess("ingest", {
      DATA_DIR: dataDir,
      K_SINK: "http://127.0.0.1:9/",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: "600000",
      OTEL_METRIC_EXPORT_INTERVAL: "600000",
    });
  });
  after(async () => {
    await ingest?.stop("SIGKILL");
    await collector?.receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("exports the spans of a request that was still in flight when SIGTERM arrived", async () => {
    const first = await fetch(`${ingest.url}/ingest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "queued before shutdown" }) });
    assert.equal(first.status, 202);
    const firstTrace = ((await first.json()) as { trace_id: string }).trace_id;

    // A request whose body is still arriving when SIGTERM comes: the drain lets it finish first.
    const encoder = new TextEncoder();
    let push!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (controller) => void (push = controller) });
    const inFlight = fetch(`${ingest.url}/ingest`, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);
    push.enqueue(encoder.encode('{"text": "in flight during '));
    await new Promise((r) => setTimeout(r, 300));
    const stopped = ingest.stop("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(collector.spans.length, 0, "nothing was exported before the shutdown");
    push.enqueue(encoder.encode('shutdown"}'));
    push.close();
    const response = await inFlight;
    assert.equal(response.status, 202);
    const secondTrace = ((await response.json()) as { trace_id: string }).trace_id;

    const { code } = await stopped;
    assert.equal(code, 0);
    for (const traceId of [firstTrace, secondTrace]) {
      const spans = collector.spans.filter((s) => s.trace_id === traceId);
      assert.equal(named(spans, "POST /ingest").attributes["http.response.status_code"], 202);
      named(spans, "storage.upload");
      named(spans, "messaging.publish");
    }
    const invocations = collector.metrics.filter((m) => m.name === "faas.invocations").flatMap((m) => m.points);
    assert.equal(invocations.reduce((sum, p) => sum + (p.value ?? 0), 0), 2);
  });
});
