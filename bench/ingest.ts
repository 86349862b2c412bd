// Ingest under load beside its floor, indexing throughput beside the store alone, and ingest →
// searchable lag during and after load: each a ratio or figure measured side by side in one run.
// Loopback only, bounded in time: BENCH_INGEST_SECONDS per load run (default 5), BENCH_INGEST_DOCS
// documents for indexing (default 600).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FUNCTION_NAMES } from "../functions/functions.ts";
import { startLocalStack, type LocalStack } from "../cli/local-stack.ts";
import { closedLoop, percentile, type LoopResult } from "./ingest/closed-loop.ts";
import { answeringServer } from "./ingest/side-servers.ts";
import { startFloor, startIngestAlone } from "./ingest/processes.ts";
import {
  chunksOf,
  indexingDocuments,
  letters,
  smallDocument,
  smallText,
  spoolEmpty,
  storeAloneChunksPerSecond,
} from "./ingest/workload.ts";
import { freePorts } from "../test/support/free-port.ts";
import { addTable, measuring } from "./report.ts";

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 5);
const DOCS = Number(process.env.BENCH_INGEST_DOCS ?? 600);
const ROUNDS = 2;
const PROBE_EVERY_MS = 250;

interface IngestBenchResult {
  load: {
    target: "floor" | "ingest";
    p50Ms: number;
    p99Ms: number;
    perSecond: number;
    statuses: Record<string, number>;
  }[];
  ratios: { p50: number; p99: number; throughput: number };
  indexing: {
    documents: number;
    chunks: number;
    pipelineChunksPerSecond: number;
    storeAloneChunksPerSecond: number;
    ratio: number;
  };
  lag: {
    duringP50Ms: number;
    duringP95Ms: number;
    afterP50Ms: number;
    afterP95Ms: number;
    probesDuring: number;
    probesAfter: number;
    drainMs: number;
    accepted: number;
    refused503: number;
  };
}

/** Prints three tables (recorded for bench/results/). */
export async function ingestBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-ingest-"));
  const otlp = await answeringServer(200);
  try {
    const measured = measuring();
    const load = await loadBesideFloor(dir, otlp.url);
    const merged = (target: "floor" | "ingest") =>
      merge(load.filter((l) => l.target === target).map((l) => l.result));
    const floor = summary("floor", merged("floor"));
    const ingest = summary("ingest", merged("ingest"));
    const ratios = {
      p50: ingest.p50Ms / floor.p50Ms,
      p99: ingest.p99Ms / floor.p99Ms,
      throughput: ingest.perSecond / floor.perSecond,
    };

    const stack = await startLocalStack({
      ports: await freePorts(FUNCTION_NAMES),
      dataDir: join(dir, "stack"),
      otlpEndpoint: otlp.url,
      onLog: () => undefined,
      // Deliveries that found index-document down retry within 50 ms once it is up.
      functionEnv: { ingest: { SPOOL_MAX_BACKOFF_MS: "50" } },
    });
    let indexing: IngestBenchResult["indexing"];
    let lag: IngestBenchResult["lag"];
    try {
      indexing = await indexingThroughput(stack, join(dir, "stack"), join(dir, "store-alone"));
      lag = await ingestToSearchable(stack, join(dir, "stack"));
    } finally {
      await stack.stop();
    }
    const result: IngestBenchResult = { load: [floor, ingest], ratios, indexing, lag };
    print(result, measured);
  } finally {
    await otlp.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Floor and ingest (telemetry on, its spool delivering to a sink that answers 202), interleaved. */
async function loadBesideFloor(dir: string, otlpUrl: string) {
  const sink = await answeringServer(202);
  const floor = await startFloor(join(dir, "floor"));
  const ingest = await startIngestAlone(join(dir, "ingest"), `${sink.url}/`, otlpUrl);
  const runs: { target: "floor" | "ingest"; result: LoopResult }[] = [];
  try {
    const run = (url: string, seconds: number) =>
      closedLoop({
        url: `${url}/ingest`,
        connections: CONNECTIONS,
        durationMs: seconds * 1000,
        body: (i) => smallDocument(`r${runs.length}-${seconds}-${i}`),
      });
    await run(floor.url, 1);
    await run(ingest.url, 1);
    for (let round = 0; round < ROUNDS; round++) {
      runs.push({ target: "floor", result: await run(floor.url, SECONDS) });
      runs.push({ target: "ingest", result: await run(ingest.url, SECONDS) });
    }
  } finally {
    await Promise.all([floor.stop(), ingest.stop()]);
    await sink.close();
  }
  return runs;
}

/** Documents spooled while index-document is down, then timed from its start until the spool is empty. */
async function indexingThroughput(
  stack: LocalStack,
  dataDir: string,
  storeDir: string,
): Promise<IngestBenchResult["indexing"]> {
  const documents = indexingDocuments(DOCS);
  const chunks = documents.reduce((sum, d) => sum + chunksOf(d.text), 0);
  await stack.stopFunction("index-document");
  const preload = await closedLoop({
    url: `${stack.urls.ingest}/ingest`,
    connections: 8,
    durationMs: 600_000,
    body: (i) => JSON.stringify(documents[i]),
    maxRequests: documents.length,
  });
  if ((preload.statuses["202"] ?? 0) !== documents.length)
    throw new Error(`preload: ${JSON.stringify(preload.statuses)}`);
  await stack.startFunction("index-document");
  const started = performance.now();
  while (!(await spoolEmpty(dataDir))) await new Promise((r) => setTimeout(r, 20));
  const pipelineChunksPerSecond = chunks / ((performance.now() - started) / 1000);
  const storeAlone = await storeAloneChunksPerSecond(storeDir, documents);
  return {
    documents: documents.length,
    chunks,
    pipelineChunksPerSecond,
    storeAloneChunksPerSecond: storeAlone,
    ratio: pipelineChunksPerSecond / storeAlone,
  };
}

/**
 * 32 connections of small documents for SECONDS while, every PROBE_EVERY_MS, a probe takes the
 * latest accepted document and asks search for its unique word until it is found; after the load,
 * probes ingest a document of their own, one at a time, until the spool has drained and ten more.
 */
async function ingestToSearchable(
  stack: LocalStack,
  dataDir: string,
): Promise<IngestBenchResult["lag"]> {
  const run = letters(Date.now() % 1_000_000);
  const marker = (i: number) => `qz${letters(i)}v${run}`;
  const namespace = "bench-lag";
  const body = (id: string, word: string) =>
    JSON.stringify({ id, namespace, text: `${word} ${smallText(id)}`, metadata: { title: id } });
  let latest: { index: number; at: number } | undefined;
  let loadOver = false;
  const loading = closedLoop({
    url: `${stack.urls.ingest}/ingest`,
    connections: CONNECTIONS,
    durationMs: SECONDS * 1000,
    body: (i) => body(`lag-${i}`, marker(i)),
    onAccepted: (index) => (latest = { index, at: performance.now() }),
  }).finally(() => (loadOver = true));

  const during: number[] = [];
  const after: number[] = [];
  let drainedAt: number | undefined;
  const probe = async (word: string, id: string, acceptedAt: number) => {
    for (;;) {
      const response = await fetch(`${stack.urls.search}/search`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: word, namespace, mode: "keyword", top_k: 1 }),
      });
      const found =
        response.ok &&
        ((await response.json()) as { sources: { document_id: string }[] }).sources[0]
          ?.document_id === id;
      if (found) return performance.now() - acceptedAt;
      if (performance.now() - acceptedAt > 120_000)
        throw new Error(`document ${id} not searchable after 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  // A probe starts every PROBE_EVERY_MS on the latest accepted document, several in flight at once.
  const probing: Promise<void>[] = [];
  while (!loadOver) {
    const target = latest;
    latest = undefined;
    if (target)
      probing.push(
        probe(marker(target.index), `lag-${target.index}`, target.at).then(
          (ms) => void during.push(ms),
        ),
      );
    await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
  }
  const loaded = await loading;
  const loadEnd = performance.now();
  await Promise.all(probing);
  for (let n = 0; n < 1000; n++) {
    if (drainedAt === undefined && (await spoolEmpty(dataDir))) drainedAt = performance.now();
    if (drainedAt !== undefined && after.length >= 10) break;
    const id = `after-${n}`;
    const word = marker(1_000_000 + n);
    const sent = performance.now();
    const response = await fetch(`${stack.urls.ingest}/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body(id, word),
    });
    if (response.status !== 202) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    after.push(await probe(word, id, sent));
  }
  return {
    duringP50Ms: percentile(during, 50),
    duringP95Ms: percentile(during, 95),
    afterP50Ms: percentile(after, 50),
    afterP95Ms: percentile(after, 95),
    probesDuring: during.length,
    probesAfter: after.length,
    drainMs: (drainedAt ?? performance.now()) - loadEnd,
    accepted: loaded.statuses["202"] ?? 0,
    refused503: loaded.statuses["503"] ?? 0,
  };
}

function merge(results: LoopResult[]): LoopResult {
  const statuses: Record<string, number> = {};
  for (const r of results)
    for (const [s, n] of Object.entries(r.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
  return {
    latencies: results.flatMap((r) => r.latencies),
    statuses,
    elapsedMs: results.reduce((s, r) => s + r.elapsedMs, 0),
    accepted: results.flatMap((r) => r.accepted),
  };
}

function summary(
  target: "floor" | "ingest",
  result: LoopResult,
): IngestBenchResult["load"][number] {
  return {
    target,
    p50Ms: percentile(result.latencies, 50),
    p99Ms: percentile(result.latencies, 99),
    perSecond: result.accepted.length / (result.elapsedMs / 1000),
    statuses: result.statuses,
  };
}

function print(r: IngestBenchResult, load: ReturnType<typeof measuring>): void {
  const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
  const [floor, ingest] = r.load;
  load({
    title: "Ingest under load beside its floor",
    note: `${CONNECTIONS} connections × ${SECONDS} s × ${ROUNDS} rounds, interleaved, loopback; ingest as bundled, telemetry on, its spool delivering to a sink that answers 202; floor: a Hono handler that parses the JSON and writes one fsync'd file + rename. Goal: ingest latencies ≤ 1.5× the floor.`,
    columns: ["", "p50 ms", "p99 ms", "accepted/s", "statuses"],
    rows: [
      [
        "floor",
        f(floor!.p50Ms),
        f(floor!.p99Ms),
        f(floor!.perSecond, 0),
        JSON.stringify(floor!.statuses),
      ],
      [
        "ingest",
        f(ingest!.p50Ms),
        f(ingest!.p99Ms),
        f(ingest!.perSecond, 0),
        JSON.stringify(ingest!.statuses),
      ],
      [
        "ingest ÷ floor",
        `${f(r.ratios.p50, 2)}×`,
        `${f(r.ratios.p99, 2)}×`,
        `${f(r.ratios.throughput, 2)}×`,
        "",
      ],
    ],
  });
  const i = r.indexing;
  addTable({
    title: "Indexing throughput beside the vector store alone",
    note: `${i.documents} documents of 2–4 KB (${i.chunks} chunks) spooled while index-document was down, timed from its start until the spool is empty (spool → index-document → embed, hashing embedder); the store alone: the same chunks, embedded beforehand, written through the VectorStore interface 16 at a time. Goal ≥ 0.5×.`,
    columns: ["", "chunks/s"],
    rows: [
      ["pipeline", f(i.pipelineChunksPerSecond, 0)],
      ["vector store alone", f(i.storeAloneChunksPerSecond, 0)],
      ["ratio", `${f(i.ratio, 2)}×`],
    ],
  });
  const l = r.lag;
  addTable({
    title: "Ingest → searchable lag under load",
    note: `${CONNECTIONS} connections × ${SECONDS} s of small documents; every ${PROBE_EVERY_MS} ms a probe takes the latest accepted document and asks keyword search for its unique word until found (time from its 202); after the load, one probe at a time ingests its own document. Accepted ${l.accepted}, refused 503 (backpressure) ${l.refused503}; the spool drained ${f(l.drainMs, 0)} ms after the load ended.`,
    columns: ["", "p50 ms", "p95 ms", "probes"],
    rows: [
      ["during load", f(l.duringP50Ms, 0), f(l.duringP95Ms, 0), l.probesDuring],
      ["after load", f(l.afterP50Ms, 0), f(l.afterP95Ms, 0), l.probesAfter],
    ],
  });
}
