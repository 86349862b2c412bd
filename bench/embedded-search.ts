// The embedded vector store at 20k and 100k chunks × 384 dims (synthetic-corpus.ts, hashing
// embedder), LanceDB (the product's store) beside SQLite (FTS5 + sqlite-vec, sqlite-store.ts, the
// other candidate of issue 13) on the same data: scale-from-zero search (spawn → first hybrid
// answer) beside a plain process that only reads the same vectors, warm query p50/p99 per mode,
// write → visible to a running reader, RSS beside the raw vectors, build time and install size.
// SQLite needs node:sqlite (Node ≥ 22.13); on an older Node its cells say why they are skipped.
// Built stores are cached under ~/.cache/knative-rag/bench-store/.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { HashingEmbedder } from "../functions/shared/backends/embedder/hashing.ts";
import { EmbeddedVectorStore } from "../functions/shared/backends/vector-store/embedded.ts";
import { createAnalyzer } from "../functions/shared/domain/analyzer.ts";
import { quick, runs } from "./options.ts";
import { median, type ProbeKind, probe } from "./probe-process.ts";
import { measuring } from "./report.ts";
import { comparisonRows, type Measured } from "./search-comparison.ts";
import { builtSqlite } from "./sqlite-build.ts";
import { sqliteUnavailable } from "./sqlite-store.ts";
import { sqliteVisibility } from "./sqlite-visibility.ts";
import {
  CHUNKS_PER_DOCUMENT,
  probeChunk,
  syntheticChunks,
  syntheticQuery,
} from "./synthetic-corpus.ts";

const DIMENSIONS = 384;
const QUERIES = 50;
const CACHE = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
  "knative-rag",
  "bench-store",
);
const analyzer = createAnalyzer("english");
const embedder = new HashingEmbedder(DIMENSIONS, analyzer);

/**
 * Builds the store, the raw vector file and the queries once per size and corpus version; returns
 * the directory and how long the store's writes took (analysis included, embedding not).
 */
async function built(chunks: number): Promise<{ dir: string; buildMs: number }> {
  const dir = join(CACHE, `v4-${chunks}`);
  if (existsSync(join(dir, "done")))
    return { dir, ...JSON.parse(await readFile(join(dir, "done"), "utf8")) };
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  console.error(`bench: building the ${chunks}-chunk store under ${dir} (once)`);
  const store = new EmbeddedVectorStore(join(dir, "store"));
  const raw = new Float32Array(chunks * DIMENSIONS);
  const documents = chunks / CHUNKS_PER_DOCUMENT;
  let buildMs = 0;
  for (let first = 0; first < documents; first += 250) {
    const batch = Array.from({ length: Math.min(250, documents - first) }, (_, i) =>
      syntheticChunks(first + i, (content, row) => {
        const vector = embedder.embedOne(content);
        raw.set(vector, row * DIMENSIONS);
        return vector;
      }),
    );
    const started = performance.now();
    await store.replaceDocuments("bench", batch);
    buildMs += performance.now() - started;
  }
  const started = performance.now();
  await store.compact("bench");
  buildMs += performance.now() - started;
  await store.close();
  await writeFile(join(dir, "vectors.f32"), new Uint8Array(raw.buffer));
  const queries = Array.from({ length: QUERIES }, (_, i) => syntheticQuery(i, documents)).map(
    (text) => ({ text, vector: embedder.embedOne(text) }),
  );
  await writeFile(join(dir, "queries.json"), JSON.stringify(queries));
  await writeFile(join(dir, "done"), JSON.stringify({ buildMs }));
  return { dir, buildMs };
}

/** Write one document with a second store instance, then poll a running reader until it finds it. */
async function visibility(dir: string): Promise<number[]> {
  const reader = new EmbeddedVectorStore(join(dir, "store"));
  const writer = new EmbeddedVectorStore(join(dir, "store"));
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const id = `visibility-${Date.now()}-${i}`;
    const word = `visibilityword${i}x${Date.now()}`;
    await reader.search({ namespace: "bench", mode: "keyword", text: word, topK: 1, alpha: 0 });
    const started = performance.now();
    await writer.replaceDocument("bench", id, [probeChunk(id, word, embedder.embedOne(word))]);
    while (
      (await reader.search({ namespace: "bench", mode: "keyword", text: word, topK: 1, alpha: 0 }))
        .length === 0
    );
    times.push(performance.now() - started);
    await writer.deleteDocument("bench", id);
  }
  await Promise.all([reader.close(), writer.close()]);
  return times;
}

/** Spawn → first answer per kind, interleaved run by run, and each kind's RSS then (last run). */
async function openTimes(kinds: ProbeKind[], dir: string) {
  const first = new Map<ProbeKind, number[]>(kinds.map((kind) => [kind, []]));
  const rss = new Map<ProbeKind, number>();
  for (let run = 0; run < runs(5, 2); run++)
    for (const kind of kinds) {
      const { firstMs, lines } = await probe(kind, dir);
      first.get(kind)!.push(firstMs);
      rss.set(kind, Number(lines[0]!.rssMb));
    }
  return { first: new Map([...first].map(([kind, ms]) => [kind, median(ms)])), rss };
}

export async function embeddedSearchBench(): Promise<void> {
  const unavailable = await sqliteUnavailable();
  if (unavailable) console.error(`bench: SQLite skipped: ${unavailable}`);
  for (const chunks of quick ? [20_000] : [20_000, 100_000]) {
    const { dir, buildMs } = await built(chunks);
    const sqliteBuild = unavailable
      ? undefined
      : await builtSqlite(dir, chunks, DIMENSIONS, analyzer);
    const done = measuring();
    const kinds: ProbeKind[] = unavailable ? ["store", "plain"] : ["store", "sqlite", "plain"];
    const { first, rss } = await openTimes(kinds, dir);
    const warm = async (kind: ProbeKind) =>
      (await probe(kind, dir, true)).lines[1] as Measured["warm"];
    const lance = {
      firstMs: first.get("store")!,
      rssMb: rss.get("store")!,
      warm: await warm("store"),
      visibleMs: await visibility(dir),
      buildMs,
    };
    const sqlite = sqliteBuild && {
      firstMs: first.get("sqlite")!,
      rssMb: rss.get("sqlite")!,
      warm: await warm("sqlite"),
      visibleMs: await sqliteVisibility(dir, analyzer, (text) => embedder.embedOne(text)),
      buildMs: sqliteBuild.buildMs,
    };
    done({
      title: `Embedded store, LanceDB beside SQLite, ${chunks.toLocaleString("en")} chunks × ${DIMENSIONS} dims`,
      note: `LanceDB (the product's store) and SQLite (FTS5 + sqlite-vec through node:sqlite, bench/sqlite-store.ts) on the same data and queries, beside a plain process that reads the same vectors (Float32Array file) and answers one brute-force query; ${runs(5, 2)} interleaved runs, ${QUERIES} warm queries per mode (top 10). LanceDB: a namespace of 10,000 chunks or more has a vector index whose nearest are re-ranked by the stored vectors; SQLite: vector mode scans every float vector (sqlite-vec has no index; its int8 and bit scans re-rank by the float vectors), hybrid runs its keyword pass and nearest chunks one after the other (node:sqlite is synchronous).${unavailable ? ` SQLite skipped: ${unavailable}.` : ""}`,
      columns: [
        "",
        "LanceDB",
        "SQLite",
        "plain",
        "LanceDB ÷ plain",
        "SQLite ÷ plain",
        "SQLite ÷ LanceDB",
      ],
      rows: await comparisonRows({
        chunks,
        rawMb: (chunks * DIMENSIONS * 4) / 1024 / 1024,
        plain: { firstMs: first.get("plain")!, rssMb: rss.get("plain")! },
        lance,
        sqlite,
        dir,
      }),
    });
  }
}
