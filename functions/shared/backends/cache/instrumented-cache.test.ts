import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { metrics, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { pino } from "pino";
import type { Cache } from "./cache.ts";
import { InstrumentedCache } from "./instrumented-cache.ts";
import { MemoryCache } from "./memory.ts";

/** A cache whose server is down: every call fails, as a Redis outage does. */
const downCache: Cache = {
  system: "upstash",
  get: () => Promise.reject(new Error("connection refused")),
  getMany: () => Promise.reject(new Error("connection refused")),
  set: () => Promise.reject(new Error("connection refused")),
  ready: () => Promise.reject(new Error("connection refused")),
  close: () => Promise.resolve(),
};

describe("InstrumentedCache", () => {
  const spans = new InMemorySpanExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const warnings: string[] = [];
  const logger = pino(
    { messageKey: "message" },
    {
      write: (line: string) => {
        warnings.push((JSON.parse(line) as { message: string }).message);
      },
    },
  );

  before(() => {
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    );
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  });
  beforeEach(() => {
    spans.reset();
    warnings.length = 0;
  });
  const finished = () =>
    spans.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes }));

  it("traces a lookup and a write of one key", async () => {
    const cache = new InstrumentedCache<{ answer: string }>(
      new MemoryCache({ maxEntries: 10, maxBytes: 1024 * 1024 }),
      { name: "search", logger, ttlSeconds: 60 },
    );
    assert.equal(await cache.get("q"), undefined);
    await cache.set("q", { answer: "a" });
    assert.deepEqual(await cache.get("q"), { answer: "a" });
    assert.deepEqual(finished(), [
      { name: "cache.get", attributes: { "cache.system": "memory", "cache.hit": false } },
      { name: "cache.set", attributes: { "cache.system": "memory" } },
      { name: "cache.get", attributes: { "cache.system": "memory", "cache.hit": true } },
    ]);
  });

  it("traces a lookup and a write of many keys, with how many hit", async () => {
    const cache = new InstrumentedCache<number[]>(
      new MemoryCache({ maxEntries: 10, maxBytes: 1024 * 1024 }),
      { name: "embedding", logger, ttlSeconds: 60 },
    );
    await cache.setMany([["a", [1]]]);
    assert.deepEqual(await cache.getMany(["a", "b"]), [[1], undefined]);
    assert.deepEqual(finished(), [
      { name: "cache.set", attributes: { "cache.system": "memory", "cache.keys": 1 } },
      {
        name: "cache.get",
        attributes: {
          "cache.system": "memory",
          "cache.keys": 2,
          "cache.hit": false,
          "cache.hits": 1,
        },
      },
    ]);
  });

  it("turns a failed lookup into a miss and a failed write into a warning", async () => {
    const search = new InstrumentedCache<string>(downCache, {
      name: "search",
      logger,
      ttlSeconds: 60,
    });
    const embedding = new InstrumentedCache<number[]>(downCache, {
      name: "embedding",
      logger,
      ttlSeconds: 60,
      unavailableMessage: "embedding cache unavailable, embedding without it",
    });
    assert.equal(await search.get("q"), undefined);
    await search.set("q", "a");
    assert.deepEqual(await embedding.getMany(["a", "b"]), [undefined, undefined]);
    await embedding.setMany([
      ["a", [1]],
      ["b", [2]],
    ]);
    assert.deepEqual(warnings, [
      "search cache unavailable",
      "could not write search cache",
      "embedding cache unavailable, embedding without it",
      "could not write embedding cache",
    ]);
    assert.ok(
      spans.getFinishedSpans().every((s) => s.status.code === SpanStatusCode.UNSET),
      "a degraded cache is not an error of the request",
    );
  });

  /** rag.cache.requests so far, by "<cache.name> <cache.hit>". */
  async function cacheRequests(): Promise<Map<string, number>> {
    await reader.forceFlush();
    const metric = metricExporter
      .getMetrics()
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      .findLast((m) => m.descriptor.name === "rag.cache.requests");
    return new Map(
      (metric?.dataPoints ?? []).map((p) => [
        `${p.attributes["cache.name"]} ${p.attributes["cache.hit"]}`,
        p.value as number,
      ]),
    );
  }

  it("counts each key looked up as a hit or a miss of its cache, a failed lookup as a miss", async () => {
    const memory = new MemoryCache({ maxEntries: 10, maxBytes: 1024 * 1024 });
    await memory.set("a", [1], 60);
    const embedding = new InstrumentedCache<number[]>(memory, {
      name: "embedding",
      logger,
      ttlSeconds: 60,
    });
    const search = new InstrumentedCache<string>(downCache, {
      name: "search",
      logger,
      ttlSeconds: 60,
    });
    const before = await cacheRequests();
    await embedding.getMany(["a", "b", "c"]);
    await search.get("q");
    const after = await cacheRequests();
    const added = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
    assert.deepEqual(
      ["embedding true", "embedding false", "search true", "search false"].map(added),
      [1, 2, 0, 1],
    );
  });
});
