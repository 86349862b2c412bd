// The figures the embedded defaults give, on the cluster's adapters: real Kafka, Weaviate, S3 (moto),
// Redis behind the Upstash REST API and an OpenAI-compatible server, as test:stack runs them (skipped
// with a message where .ci/install-stack.sh has not installed them). Cold start of each function in
// the cluster's configuration (its adapters' chunks loaded, readiness waiting on each dependency),
// search latency per mode on Weaviate, and ingest → searchable through Kafka, idle.
// Run: npm run bench -- real-stack
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../test/support/free-port.ts";
import { stackCacheDir } from "../test/stack/cache.ts";
import { clusterEnv, startRealStack, type RealStack } from "../test/stack/real-stack.ts";
import { WEAVIATE_VERSION, kafkaVersion } from "../test/stack/versions.ts";
import { FUNCTION_NAMES } from "../functions/functions.ts";
import { fillCompileCache, imageNode, nodeVersion } from "./image-node.ts";
import { runs } from "./options.ts";
import { writeBareServer } from "./reference-apps.ts";
import { median, p99, timeToReady, type Ready } from "./ready.ts";
import { measuring, type Cell } from "./report.ts";

const COLD_RUNS = runs(9, 3);
const QUERIES = runs(60, 15);
const DOCUMENTS = runs(30, 8);

function installed(): boolean {
  return (
    existsSync(join(stackCacheDir(`weaviate-${WEAVIATE_VERSION}`), "bin", "weaviate-server")) &&
    existsSync(stackCacheDir(`kafka-${kafkaVersion()}`))
  );
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function coldStart(real: RealStack, dir: string): Promise<void> {
  const done = measuring();
  const node = imageNode();
  const env = (fn: string) => ({
    ...clusterEnv(real),
    K_SERVICE: fn,
    EMBED_URL: real.functions.urls.embed,
    DATA_DIR: join(dir, "data"),
    OBSERVABILITY_ENABLED: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
  });
  const bare = await writeBareServer(dir);
  const caches = new Map<string, string>();
  for (const fn of FUNCTION_NAMES) {
    const cache = await mkdtemp(join(dir, `cache-${fn}-`));
    fillCompileCache(node, fn, env(fn), cache);
    caches.set(fn, cache);
  }
  const samples = new Map<string, Ready[]>();
  const add = (key: string, r: Ready) => samples.set(key, [...(samples.get(key) ?? []), r]);
  for (let round = 0; round < COLD_RUNS; round++) {
    add("bare node:http", await timeToReady(bare, {}, { node }));
    for (const fn of FUNCTION_NAMES) {
      const script = join("dist", fn, "index.mjs");
      add(`${fn}, no compile cache`, await timeToReady(script, env(fn), { node }));
      add(
        `${fn}, as the image runs it`,
        await timeToReady(script, { ...env(fn), NODE_COMPILE_CACHE: caches.get(fn)! }, { node }),
      );
    }
  }
  const base = median(samples.get("bare node:http")!.map((r) => r.ms));
  const rows: Cell[][] = [...samples].map(([name, runs]) => {
    const wall = median(runs.map((r) => r.ms));
    return [
      name,
      `${wall.toFixed(0)} ms`,
      `${p99(runs.map((r) => r.ms)).toFixed(0)} ms`,
      `${(wall / base).toFixed(2)}x`,
      `${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms`,
      `${median(runs.map((r) => r.rssMb)).toFixed(0)} MB`,
    ];
  });
  done({
    title: `Cold start on the cluster's adapters, ${nodeVersion(node)}`,
    note: `Spawn → first 200 from /health/readiness, which waits on every dependency (S3, Kafka, Weaviate, Redis), telemetry on; median of ${COLD_RUNS} interleaved rounds. The compile cache is baked as the image does, lazily loaded adapter chunks included.`,
    columns: ["server", "wall", "wall p99", "x bare", "CPU", "RSS"],
    rows,
  });
}

async function searchLatency(real: RealStack): Promise<void> {
  const done = measuring();
  const namespace = "bench-real";
  const topics = [
    "kafka partitions and consumer groups",
    "weaviate hybrid search with bm25",
    "knative scale to zero and the activator",
    "opentelemetry spans across a kafka hop",
    "redis cache for embeddings",
  ];
  const ids = await Promise.all(
    topics.map(
      async (topic, i) =>
        (
          await real.ingest({
            id: `real-${i}`,
            namespace,
            title: topic,
            text: `${topic}. `.repeat(40),
          })
        ).document_id,
    ),
  );
  for (const [i, id] of ids.entries()) await real.searchable(id, namespace, topics[i]!);
  const rows: Cell[][] = [];
  for (const mode of ["keyword", "vector", "hybrid"]) {
    const latencies: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      // A new query each time, so the search cache never answers.
      const started = performance.now();
      await real.search({ query: `${topics[q % topics.length]} ${mode} ${q}`, namespace, mode });
      latencies.push(performance.now() - started);
    }
    rows.push([mode, ms(median(latencies)), ms(p99(latencies))]);
  }
  done({
    title: "Search on Weaviate, cache missed",
    note: `${QUERIES} distinct queries per mode through the search function (embedding by the OpenAI-compatible test server, extractive answer), 5 documents.`,
    columns: ["mode", "p50", "p99"],
    rows,
  });
}

async function ingestToSearchable(real: RealStack): Promise<void> {
  const done = measuring();
  const namespace = "bench-lag";
  const lags: number[] = [];
  for (let i = 0; i < DOCUMENTS; i++) {
    const word = `lagword${i}x${Date.now().toString(36)}`;
    const started = performance.now();
    const { document_id } = await real.ingest({
      namespace,
      title: `lag ${i}`,
      text: `A document about ${word}. `.repeat(20),
    });
    await real.searchable(document_id, namespace, word);
    lags.push(performance.now() - started);
  }
  done({
    title: "Ingest → searchable through Kafka, idle",
    note: `${DOCUMENTS} documents one after another: POST /ingest (S3 + Kafka) → KafkaSource stand-in → index-document (S3, embed, Weaviate) → found by a keyword search.`,
    columns: ["documents", "p50", "p95", "max"],
    rows: [
      [
        DOCUMENTS,
        ms(median(lags)),
        ms([...lags].sort((a, b) => a - b)[Math.ceil(lags.length * 0.95) - 1]!),
        ms(Math.max(...lags)),
      ],
    ],
  });
}

export async function realStackBench(): Promise<void> {
  if (!installed()) {
    console.log("\nReal stack: not installed here (bash .ci/install-stack.sh), skipped.");
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), "bench-real-"));
  const real = await startRealStack({
    otlpEndpoint: `http://127.0.0.1:${await freePort()}`,
    relay: {},
  });
  try {
    await coldStart(real, dir);
    await searchLatency(real);
    await ingestToSearchable(real);
  } finally {
    await real.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
