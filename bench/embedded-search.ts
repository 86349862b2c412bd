// The embedded vector store at laptop scale: N chunks × 384 dimensions, each mode's query latency
// (warm snapshot) side by side, and the one-off cost of loading the snapshot after a write.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashingEmbedder } from "../functions/shared/backends/embedder/hashing.ts";
import { EmbeddedVectorStore } from "../functions/shared/backends/vector-store/embedded.ts";
import type { SearchMode } from "../functions/shared/domain/chunk.ts";
import { chunkId } from "../functions/shared/domain/ids.ts";

const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 20_000);
const CHUNKS_PER_DOCUMENT = 20;
const QUERIES = 30;
const WORDS = "kafka knative weaviate redis vector search cold start revision activator trace span metric chunk embed document namespace pod scale zero latency cache event topic partition consumer producer bucket object index hybrid keyword".split(" ");

function pseudoText(seed: number): string {
  let x = seed * 2654435761;
  const words: string[] = [];
  for (let i = 0; i < 60; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    words.push(WORDS[x % WORDS.length]!);
  }
  return words.join(" ");
}

export async function embeddedSearchBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-search-"));
  try {
    const embedder = new HashingEmbedder(384);
    const writer = new EmbeddedVectorStore(dir);
    const insertStarted = performance.now();
    for (let d = 0; d < CHUNKS / CHUNKS_PER_DOCUMENT; d++) {
      const documentId = `doc-${d}`;
      const chunks = Array.from({ length: CHUNKS_PER_DOCUMENT }, (_, i) => {
        const content = pseudoText(d * CHUNKS_PER_DOCUMENT + i);
        return { id: chunkId("bench", documentId, i), document_id: documentId, namespace: "bench", chunk_index: i, content, metadata: {}, vector: embedder.embedOne(content) };
      });
      await writer.replaceDocument("bench", documentId, chunks);
    }
    const insertMs = performance.now() - insertStarted;
    const reader = new EmbeddedVectorStore(dir);
    const query = "cold start latency of a knative revision";
    const vector = embedder.embedOne(query);
    const loadStarted = performance.now();
    await reader.search({ namespace: "bench", mode: "keyword", text: query, topK: 5, alpha: 0.5 });
    const loadMs = performance.now() - loadStarted;
    const perMode: Record<string, number> = {};
    for (const mode of ["keyword", "vector", "hybrid"] as SearchMode[]) {
      const started = performance.now();
      for (let i = 0; i < QUERIES; i++) await reader.search({ namespace: "bench", mode, text: query, vector, topK: 5, alpha: 0.5 });
      perMode[mode] = (performance.now() - started) / QUERIES;
    }
    console.log(`\nEmbedded vector store, ${CHUNKS} chunks × 384 dims (written in ${(insertMs / 1000).toFixed(1)} s; snapshot load ${loadMs.toFixed(0)} ms)`);
    for (const [mode, ms] of Object.entries(perMode)) {
      console.log(`${mode.padEnd(8)} ${ms.toFixed(1).padStart(7)} ms/query  ${(ms / perMode.keyword!).toFixed(2).padStart(5)}x keyword`);
    }
    console.log(`heap used ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
