// The embedded vector store at 20k and 100k chunks × 384 dims (synthetic-corpus.ts, hashing
// embedder): scale-from-zero search (spawn → first hybrid answer) beside a plain process that only
// reads the same vectors, warm query p50/p99 per mode, write → visible to a running reader, and
// RSS beside the raw vectors. Built stores are cached under ~/.cache/knative-rag/bench-store/.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { HashingEmbedder } from "../functions/shared/backends/embedder/hashing.ts";
import { EmbeddedVectorStore } from "../functions/shared/backends/vector-store/embedded.ts";
import { createAnalyzer } from "../functions/shared/domain/analyzer.ts";
import { quick, runs } from "./options.ts";
import { measuring } from "./report.ts";
import { CHUNKS_PER_DOCUMENT, syntheticDocument, syntheticQuery } from "./synthetic-corpus.ts";

const DIMENSIONS = 384;
const QUERIES = 50;
const PROBE = join(import.meta.dirname, "embedded-store-probe.ts");
const CACHE = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
  "knative-rag",
  "bench-store",
);
const embedder = new HashingEmbedder(DIMENSIONS, createAnalyzer("english"));

/** Builds the store, the raw vector file and the queries once per size and corpus version. */
async function built(chunks: number): Promise<string> {
  const dir = join(CACHE, `v3-${chunks}`);
  if (existsSync(join(dir, "done"))) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  console.error(`bench: building the ${chunks}-chunk store under ${dir} (once)`);
  const store = new EmbeddedVectorStore(join(dir, "store"));
  const raw = new Float32Array(chunks * DIMENSIONS);
  const documents = chunks / CHUNKS_PER_DOCUMENT;
  for (let first = 0; first < documents; first += 250) {
    const batch = Array.from({ length: Math.min(250, documents - first) }, (_, i) => {
      const document = syntheticDocument(first + i);
      return {
        documentId: document.id,
        chunks: document.chunks.map((content, chunk_index) => {
          const vector = embedder.embedOne(content);
          raw.set(vector, ((first + i) * CHUNKS_PER_DOCUMENT + chunk_index) * DIMENSIONS);
          return {
            id: `${document.id}:${chunk_index}`,
            document_id: document.id,
            namespace: "bench",
            chunk_index,
            content,
            metadata: { title: document.title },
            vector,
          };
        }),
      };
    });
    await store.replaceDocuments("bench", batch);
  }
  await store.compact("bench");
  await store.close();
  await writeFile(join(dir, "vectors.f32"), new Uint8Array(raw.buffer));
  const queries = Array.from({ length: QUERIES }, (_, i) => syntheticQuery(i, documents)).map(
    (text) => ({ text, vector: embedder.embedOne(text) }),
  );
  await writeFile(join(dir, "queries.json"), JSON.stringify(queries));
  await writeFile(join(dir, "done"), "");
  return dir;
}

/** Spawn → first line (the first answer), and every JSON line the probe printed. */
function probe(
  kind: "store" | "plain",
  dir: string,
  warm = false,
): Promise<{ firstMs: number; lines: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", PROBE, kind, dir, ...(warm ? ["warm"] : [])],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    let firstMs = 0;
    child.stdout.on("data", (data: Buffer) => {
      if (!firstMs) firstMs = performance.now() - started;
      output += data.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve({
            firstMs,
            lines: output
              .trim()
              .split("\n")
              .map((l) => JSON.parse(l)),
          })
        : reject(new Error(`${kind} probe exited with ${code}`)),
    );
  });
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((values.length * p) / 100))
  ]!;
const median = (values: number[]) => percentile(values, 50);

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
    await writer.replaceDocument("bench", id, [
      {
        id: `${id}:0`,
        document_id: id,
        namespace: "bench",
        chunk_index: 0,
        content: word,
        metadata: {},
        vector: embedder.embedOne(word),
      },
    ]);
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

export async function embeddedSearchBench(): Promise<void> {
  for (const chunks of quick ? [20_000] : [20_000, 100_000]) {
    const dir = await built(chunks);
    const done = measuring();
    const rawMb = (chunks * DIMENSIONS * 4) / 1024 / 1024;
    const open: number[] = [];
    const plain: number[] = [];
    let storeRss = 0;
    let plainRss = 0;
    for (let run = 0; run < runs(5, 2); run++) {
      const s = await probe("store", dir);
      const p = await probe("plain", dir);
      open.push(s.firstMs);
      plain.push(p.firstMs);
      storeRss = Number(s.lines[0]!.rssMb);
      plainRss = Number(p.lines[0]!.rssMb);
    }
    const warm = await probe("store", dir, true);
    const modes = warm.lines[1]!.modes as Record<string, number[]>;
    const warmRss = Number(warm.lines[1]!.rssMb);
    const recall = Number(warm.lines[1]!.recallAt10);
    const visible = await visibility(dir);
    const rows: (string | number)[][] = [
      [
        "spawn → first hybrid answer (ms, median)",
        median(open).toFixed(0),
        median(plain).toFixed(0),
        (median(open) / median(plain)).toFixed(2),
      ],
      ["RSS after the first answer (MB)", storeRss, plainRss, (storeRss / plainRss).toFixed(2)],
      ...Object.entries(modes).map(([mode, ms]) => [
        `${mode} query p50 / p99 (ms)`,
        `${median(ms).toFixed(1)} / ${percentile(ms, 99).toFixed(1)}`,
        "",
        "",
      ]),
      ["vector recall@10 (documents, against a brute-force scan)", recall.toFixed(3), "", ""],
      [
        "RSS after the warm queries (MB) / raw vectors (MB)",
        warmRss,
        rawMb.toFixed(0),
        (warmRss / rawMb).toFixed(2),
      ],
      [
        "write → visible to a running reader (ms, median / max)",
        `${median(visible).toFixed(0)} / ${Math.max(...visible).toFixed(0)}`,
        "",
        "",
      ],
    ];
    done({
      title: `Embedded store (LanceDB), ${chunks.toLocaleString("en")} chunks × ${DIMENSIONS} dims`,
      note: `store vs a plain process that reads the same vectors (Float32Array file) and answers one brute-force query; ${open.length} interleaved runs, ${QUERIES} warm queries per mode (top 10; a namespace of 10,000 chunks or more has a vector index whose nearest are re-ranked by the stored vectors).`,
      columns: ["", "store", "plain", "ratio"],
      rows,
    });
  }
}
