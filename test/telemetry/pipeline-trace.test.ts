import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { StoredSpan } from "../../cli/traces/otlp-json.ts";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import { waitFor } from "../support/wait-for.ts";
import { freePorts } from "../support/free-port.ts";
import {
  assertBuilt,
  named,
  startSpanCollector,
  type SpanCollector,
} from "./support/span-collector.ts";
import { acceptedOf, problemOf, searchAnswerOf } from "../support/response-bodies.ts";

// The four real bundles as four processes, exporting OTLP/HTTP to the local stack's receiver.
describe("one trace per document and per search across the four functions", () => {
  let stack: LocalStack;
  let collector: SpanCollector;
  let dataDir: string;
  const logs: { name: string; line: string }[] = [];

  before(async () => {
    assertBuilt();
    dataDir = await mkdtemp(join(tmpdir(), "knative-rag-telemetry-e2e-"));
    collector = await startSpanCollector(dataDir);
    stack = await startLocalStack({
      ports: await freePorts(FUNCTION_NAMES),
      dataDir,
      otlpEndpoint: collector.receiver.url,
      env: {
        LOG_LEVEL: "info",
        OTEL_BSP_SCHEDULE_DELAY: "100",
        OTEL_METRIC_EXPORT_INTERVAL: "1000",
      },
      onLog: (name, line) => logs.push({ name, line }),
    });
  });
  after(async () => {
    await stack?.stop();
    await collector?.receiver.close();
    await rm(dataDir, { recursive: true, force: true });
    if (process.exitCode) console.log(logs.map((l) => l.line).join("\n"));
  });

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const hasSpans = (expected: [name: string, service: string][]) => (found: StoredSpan[]) =>
    expected.every(([name, service]) =>
      found.some((s) => s.name === name && s.service === service),
    );
  const parentOf = (spans: StoredSpan[], span: StoredSpan) =>
    spans.find((s) => s.span_id === span.parent_span_id);

  // The traffic several tests look at, sent once by whichever test needs it first, so any test runs alone.
  let ingesting: Promise<string> | undefined;
  /** One document ingested under a Knative parent; resolves with the trace id ingest answered. */
  const documentIngested = () =>
    (ingesting ??= (async () => {
      // What Knative's queue-proxy forwards when the cluster samples nothing: flags 00.
      const knativeParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
      const response = await post(
        `${stack.urls.ingest}/ingest`,
        {
          text: "Tracing crosses the asynchronous hop inside the CloudEvent.",
          namespace: "traces",
          id: "traced",
        },
        { traceparent: knativeParent },
      );
      assert.equal(response.status, 202);
      const { trace_id } = await acceptedOf(response);
      assert.ok(trace_id, "ingest answers with its trace id");
      return trace_id;
    })());
  const searchTraced = async (mode: string, query: string) => {
    const response = await post(`${stack.urls.search}/search`, {
      query,
      namespace: "traces",
      mode,
    });
    assert.equal(response.status, 200);
    const { trace_id } = (await searchAnswerOf(response)).metadata;
    assert.ok(trace_id, "search answers with its trace id");
    return trace_id;
  };

  it("follows a document from ingest over the async hop through index-document to embed, as one trace", async () => {
    const documentTraceId = await documentIngested();
    assert.equal(
      documentTraceId,
      "4bf92f3577b34da6a3ce929d0e0e4736",
      "the unsampled Knative trace is continued and recorded, not dropped",
    );

    // Every span asserted below: each process exports in its own batches, in no order across processes.
    const spans = await collector.trace(
      documentTraceId,
      hasSpans([
        ["POST /ingest", "ingest"],
        ["messaging.publish", "ingest"],
        ["storage.upload", "ingest"],
        ["POST /", "index-document"],
        ["indexer.process_document", "index-document"],
        ["document.pipeline", "index-document"],
        ["document.duplicate_check", "index-document"],
        ["storage.download", "index-document"],
        ["document.chunk", "index-document"],
        ["embedding.generate", "index-document"],
        ["db.insert", "index-document"],
        ["POST", "index-document"],
        ["POST /embed", "embed"],
        ["embedding.local", "embed"],
      ]),
    );
    assert.deepEqual(
      new Set(spans.map((s) => s.service)),
      new Set(["ingest", "index-document", "embed"]),
    );

    const ingestServer = named(spans, "POST /ingest", "ingest");
    assert.equal(ingestServer.kind, "server");
    assert.equal(
      ingestServer.parent_span_id,
      "00f067aa0ba902b7",
      "ingest's server span continues the incoming traceparent",
    );
    assert.equal(ingestServer.attributes["faas.trigger"], "http");
    assert.equal(ingestServer.attributes["http.route"], "/ingest");
    assert.equal(ingestServer.attributes["http.response.status_code"], 202);

    const publish = named(spans, "messaging.publish", "ingest");
    assert.equal(publish.kind, "producer");
    assert.equal(publish.parent_span_id, ingestServer.span_id);
    assert.equal(publish.attributes["messaging.system"], "http");
    assert.equal(
      publish.attributes["messaging.destination.name"],
      `${stack.urls["index-document"]}/`,
    );
    assert.match(String(publish.attributes["messaging.message.id"]), /^[0-9a-f-]{36}$/);
    assert.equal(parentOf(spans, named(spans, "storage.upload", "ingest")), ingestServer);

    // The async hop: index-document's server span is the producer's child, via the event's traceparent.
    const indexServer = named(spans, "POST /", "index-document");
    assert.equal(indexServer.kind, "server");
    assert.equal(indexServer.parent_span_id, publish.span_id);
    assert.equal(indexServer.attributes["faas.trigger"], "pubsub");
    assert.equal(
      indexServer.attributes["faas.invocation_id"],
      publish.attributes["messaging.message.id"],
    );
    const consumer = named(spans, "indexer.process_document", "index-document");
    assert.equal(consumer.kind, "consumer");
    assert.equal(consumer.parent_span_id, indexServer.span_id);
    assert.equal(consumer.attributes["messaging.system"], "http");
    assert.equal(consumer.attributes["messaging.operation.type"], "process");
    assert.equal(
      consumer.attributes["messaging.message.id"],
      publish.attributes["messaging.message.id"],
    );
    assert.equal(
      consumer.attributes["messaging.destination.name"],
      publish.attributes["messaging.destination.name"],
    );
    const pipeline = named(spans, "document.pipeline", "index-document");
    assert.equal(pipeline.parent_span_id, consumer.span_id);
    for (const step of [
      "document.duplicate_check",
      "storage.download",
      "document.chunk",
      "embedding.generate",
      "db.insert",
    ]) {
      assert.equal(
        named(spans, step, "index-document").parent_span_id,
        pipeline.span_id,
        `${step} is a step of document.pipeline`,
      );
    }
    assert.equal(named(spans, "db.insert").attributes["db.system"], "embedded");

    // The HTTP hop to embed: fetch's CLIENT span is the parent of embed's SERVER span.
    const embedServer = named(spans, "POST /embed", "embed");
    const fetchClient = parentOf(spans, embedServer)!;
    assert.equal(fetchClient.kind, "client");
    assert.equal(fetchClient.name, "POST");
    assert.equal(fetchClient.service, "index-document");
    assert.equal(
      fetchClient.parent_span_id,
      named(spans, "embedding.generate", "index-document").span_id,
    );
    assert.equal(fetchClient.attributes["http.response.status_code"], 200);
    assert.equal(parentOf(spans, named(spans, "embedding.local", "embed")), embedServer);
  });

  it("gives a search one trace through embed, the vector store and the answer, and returns its id", async () => {
    const traceId = await searchTraced("hybrid", "asynchronous hop");
    assert.match(traceId, /^[0-9a-f]{32}$/);
    const spans = await collector.trace(
      traceId,
      hasSpans([
        ["POST /search", "search"],
        ["embedding.generate", "search"],
        ["POST", "search"],
        ["vector_search.query", "search"],
        ["llm.rag_completion", "search"],
        ["cache.get", "search"],
        ["cache.set", "search"],
        ["POST /embed", "embed"],
      ]),
    );
    assert.ok(spans.every((s) => s.trace_id === traceId));
    const server = named(spans, "POST /search", "search");
    assert.equal(
      server.parent_span_id,
      undefined,
      "a request without traceparent starts the trace",
    );
    const embedding = named(spans, "embedding.generate", "search");
    assert.equal(parentOf(spans, embedding), server);
    assert.equal(
      parentOf(spans, parentOf(spans, named(spans, "POST /embed", "embed"))!),
      embedding,
    );
    const vector = named(spans, "vector_search.query", "search");
    assert.equal(vector.attributes["db.system"], "embedded");
    assert.equal(vector.attributes["search.mode"], "hybrid");
    const answer = named(spans, "llm.rag_completion", "search");
    assert.equal(answer.attributes["gen_ai.operation.name"], "chat");
    assert.equal(typeof answer.attributes["gen_ai.request.model"], "string");
    assert.equal(named(spans, "cache.get", "search").attributes["cache.hit"], false);
  });

  it("marks faas.coldstart=true on exactly the first invocation of each process", async () => {
    // ingest, index-document and embed serve the document; search and a new embed process a query.
    await collector.trace(await documentIngested(), (found) =>
      found.some((s) => s.service === "embed" && s.kind === "server"),
    );
    await stack.stopFunction("embed");
    await stack.startFunction("embed");
    const traceId = await searchTraced("vector", "a question for the restarted embed");
    await collector.trace(traceId, (found) =>
      found.some((s) => s.service === "embed" && s.kind === "server"),
    );

    const servers = collector.spans.filter((s) => s.kind === "server");
    const processes = new Map<string, StoredSpan[]>();
    for (const span of servers)
      processes.set(`${span.service} ${span.instance}`, [
        ...(processes.get(`${span.service} ${span.instance}`) ?? []),
        span,
      ]);
    assert.equal(
      processes.size,
      5,
      `ingest, index-document, search and two embed processes: ${[...processes.keys()].join(", ")}`,
    );
    for (const [process, spans] of processes) {
      const cold = spans.filter((s) => s.attributes["faas.coldstart"] === true);
      assert.equal(cold.length, 1, `${process}: one cold start`);
      const first = spans.reduce((a, b) => (a.start_ms <= b.start_ms ? a : b));
      assert.equal(cold[0], first, `${process}: the cold start is its first invocation`);
      assert.ok(
        spans.filter((s) => s !== first).every((s) => s.attributes["faas.coldstart"] === false),
      );
    }
  });

  it("pushes the pipeline's metrics under the names the dashboards use", async () => {
    const expected = [
      "http.server.request.duration",
      "faas.invocations",
      "faas.coldstarts",
      "faas.init_duration",
      "rag.documents.ingested",
      "rag.chunks.indexed",
      "rag.indexing.lag",
      "rag.cache.requests",
      "rag.search.duration",
      "gen_ai.client.operation.duration",
    ];
    // Exports are cumulative but may arrive out of order, so look at all of them.
    const points = (name: string, service: string) =>
      collector.metrics
        .filter((m) => m.name === name && m.service === service)
        .flatMap((m) => m.points);
    const searchModes = () =>
      new Set(points("rag.search.duration", "search").map((p) => p.attributes["search.mode"]));
    await collector.trace(await documentIngested(), (found) =>
      found.some((s) => s.name === "db.insert"),
    );
    await searchTraced("hybrid", "metrics of a hybrid search");
    await searchTraced("vector", "metrics of a vector search");
    // Pushed every second: wait for the export that includes both searches.
    await waitFor(
      "the pipeline metrics",
      () =>
        (expected.every((name) => collector.metrics.some((m) => m.name === name)) &&
          searchModes().has("vector") &&
          searchModes().has("hybrid")) ||
        undefined,
      30_000,
    );
    assert.ok(
      collector.metrics
        .filter((m) => m.name === "rag.indexing.lag")
        .every((m) => m.unit === "s" && m.type === "histogram"),
    );
    assert.ok(points("rag.indexing.lag", "index-document").some((p) => (p.count ?? 0) >= 1));
    const route = points("http.server.request.duration", "search").find(
      (p) => p.attributes["http.route"] === "/search",
    );
    assert.equal(route?.attributes["http.request.method"], "POST");
    assert.equal(route?.attributes["http.response.status_code"], 200);
    assert.ok(
      points("rag.cache.requests", "embed").some(
        (p) => p.attributes["cache.name"] === "embedding" && p.attributes["cache.hit"] === false,
      ),
    );
    assert.ok(
      points("rag.cache.requests", "search").some(
        (p) => p.attributes["cache.name"] === "search" && p.attributes["cache.hit"] === false,
      ),
    );
    assert.ok(
      searchModes().has("hybrid"),
      `search modes measured: ${[...searchModes()].join(", ")}`,
    );
    const genAi = points("gen_ai.client.operation.duration", "embed").concat(
      points("gen_ai.client.operation.duration", "search"),
    );
    assert.deepEqual(
      new Set(genAi.map((p) => p.attributes["gen_ai.operation.name"])),
      new Set(["embeddings", "chat"]),
    );
  });

  it("writes the request's trace id on its log lines, and on every error log", async () => {
    const documentTraceId = await documentIngested();
    const traced = (name: string, message: string) =>
      logs.find((l) => l.name === name && l.line.includes(` ${message}`))?.line;
    assert.match(
      await waitFor("ingest's log line", () => traced("ingest", "document accepted")),
      new RegExp(`trace_id=${documentTraceId}`),
    );
    assert.match(
      await waitFor("index-document's log line", () =>
        traced("index-document", "document indexed"),
      ),
      new RegExp(`trace_id=${documentTraceId}`),
    );

    // A failing dependency: search answers 503 and logs an error, which must name the trace.
    await stack.stopFunction("embed");
    try {
      const response = await post(`${stack.urls.search}/search`, {
        query: "embed is down now",
        namespace: "traces",
        mode: "vector",
      });
      assert.equal(response.status, 503);
      const { error } = await problemOf(response);
      assert.match(error, /embed/);
    } finally {
      await stack.startFunction("embed");
    }
    // The log line travels through a pipe and may arrive just after the response.
    await waitFor(
      "search's error log",
      () => logs.some((l) => l.name === "search" && / ERROR /.test(l.line)) || undefined,
    );
    const errors = logs.filter((l) => / (ERROR|FATAL) /.test(l.line));
    for (const { line } of errors)
      assert.match(line, /trace_id=[0-9a-f]{32}/, `error log without trace id: ${line}`);
  });
});
