import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { metrics } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
} from "@opentelemetry/sdk-metrics";
import { getInstruments } from "./instruments.ts";
import {
  recordCacheLookups,
  recordChunksIndexed,
  recordCorruptFile,
  recordDocumentIngested,
  recordGenAiOperation,
  recordIndexingLag,
  recordSearchDuration,
} from "./pipeline-metrics.ts";

// The names, units and attributes here are what the dashboards and alert rules query.
describe("the metrics contract", () => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  let exported: Map<string, MetricData>;

  before(async () => {
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    const instruments = getInstruments();
    instruments.httpServerDuration.record(0.012, {
      "http.request.method": "POST",
      "http.route": "/search",
      "http.response.status_code": 200,
    });
    instruments.invocations.add(1, { "faas.trigger": "http" });
    instruments.errors.add(1, { "faas.trigger": "pubsub" });
    instruments.coldstarts.add(1, { "faas.trigger": "http" });
    instruments.initDuration.record(0.21);
    recordDocumentIngested();
    recordChunksIndexed(7);
    recordCorruptFile("event-spool");
    recordIndexingLag(new Date(Date.now() - 1500).toISOString());
    recordIndexingLag("not a time");
    recordCacheLookups("embedding", 3, 1);
    recordCacheLookups("search", 0, 1);
    recordSearchDuration("hybrid", 0.05, false);
    recordGenAiOperation({
      operation: "chat",
      system: "openai",
      model: "gpt-4o-mini",
      seconds: 0.8,
      usage: { input_tokens: 120, output_tokens: 30 },
    });
    await reader.forceFlush();
    exported = new Map(
      exporter
        .getMetrics()
        .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
        .map((m) => [m.descriptor.name, m]),
    );
  });

  const expected: [string, string, DataPointType][] = [
    ["http.server.request.duration", "s", DataPointType.HISTOGRAM],
    ["faas.invocations", "{invocation}", DataPointType.SUM],
    ["faas.errors", "{error}", DataPointType.SUM],
    ["faas.coldstarts", "{coldstart}", DataPointType.SUM],
    ["faas.init_duration", "s", DataPointType.HISTOGRAM],
    ["rag.documents.ingested", "{document}", DataPointType.SUM],
    ["rag.chunks.indexed", "{chunk}", DataPointType.SUM],
    ["rag.indexing.lag", "s", DataPointType.HISTOGRAM],
    ["rag.storage.corrupt_files", "{file}", DataPointType.SUM],
    ["rag.cache.requests", "{request}", DataPointType.SUM],
    ["rag.search.duration", "s", DataPointType.HISTOGRAM],
    ["gen_ai.client.operation.duration", "s", DataPointType.HISTOGRAM],
    ["gen_ai.client.token.usage", "{token}", DataPointType.HISTOGRAM],
  ];
  for (const [name, unit, type] of expected) {
    it(`${name} is a ${DataPointType[type]!.toLowerCase()} in ${unit}`, () => {
      const metric = exported.get(name);
      assert.ok(metric, `${name} was exported`);
      assert.equal(metric.descriptor.unit, unit);
      assert.equal(metric.dataPointType, type);
    });
  }

  it("labels points with the attributes the dashboards group by", () => {
    const attrs = (name: string) => exported.get(name)!.dataPoints.map((p) => p.attributes);
    assert.deepEqual(attrs("rag.cache.requests"), [
      { "cache.name": "embedding", "cache.hit": true },
      { "cache.name": "embedding", "cache.hit": false },
      { "cache.name": "search", "cache.hit": false },
    ]);
    assert.deepEqual(
      attrs("gen_ai.client.token.usage").map((a) => a["gen_ai.token.type"]),
      ["input", "output"],
    );
    assert.equal(
      attrs("gen_ai.client.operation.duration")[0]!["gen_ai.request.model"],
      "gpt-4o-mini",
    );
    assert.equal(attrs("rag.search.duration")[0]!["search.mode"], "hybrid");
    assert.deepEqual(attrs("rag.storage.corrupt_files"), [{ "rag.storage.store": "event-spool" }]);
    const lag = exported.get("rag.indexing.lag")!.dataPoints[0]!.value as {
      count: number;
      sum: number;
    };
    assert.equal(lag.count, 1, "an event without a valid time is not measured");
    assert.ok(lag.sum >= 1.5 && lag.sum < 10);
    assert.equal(exported.get("rag.chunks.indexed")!.dataPoints[0]!.value as number, 7);
    const buckets = (
      exported.get("http.server.request.duration")!.dataPoints[0]!.value as {
        buckets: { boundaries: number[] };
      }
    ).buckets.boundaries;
    assert.deepEqual(buckets.slice(0, 3), [0.005, 0.01, 0.025]);
  });
});
