import { join } from "node:path";
import { z } from "zod";
import { chunkTextSync } from "../../functions/index-document/chunker.ts";
import { HashingEmbedder } from "../../functions/shared/backends/embedder/hashing.ts";
import { isPendingFile } from "../../functions/shared/backends/events/spool-files.ts";
import {
  createVectorStore,
  vectorStoreEnv,
} from "../../functions/shared/backends/vector-store/index.ts";
import { parseEnv } from "../../functions/shared/config/env.ts";
import { createAnalyzer } from "../../functions/shared/domain/analyzer.ts";
import { chunkId } from "../../functions/shared/domain/ids.ts";
import { listOrEmpty } from "../../functions/shared/runtime/fs.ts";

const WORDS =
  "kafka knative weaviate redis vector search cold start revision activator trace span metric chunk embed document namespace pod scale zero latency cache event topic partition consumer producer bucket object index hybrid keyword autoscaling broker trigger replica offset".split(
    " ",
  );
/** index-document's defaults (CHUNK_SIZE, CHUNK_OVERLAP), so the bench counts the chunks it writes. */
const CHUNKING = { size: 800, overlap: 100 };
const STORE_CONCURRENCY = 16;

/** A number as lower-case letters (a word the analyzer keeps whole). */
export function letters(n: number): string {
  let s = "";
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

function words(seed: number, count: number): string {
  let x = (seed * 2654435761) >>> 0;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]!);
    if (i % 12 === 11) out[out.length - 1] += ".";
  }
  return out.join(" ");
}

/** About 400 bytes of text, as tools/load sends. */
export function smallText(id: string): string {
  let seed = 0;
  for (const c of id) seed = (seed * 31 + c.charCodeAt(0)) >>> 0;
  return words(seed, 60);
}

export function smallDocument(id: string): string {
  return JSON.stringify({
    id,
    namespace: "bench-load",
    text: smallText(id),
    metadata: { title: id, source: "bench" },
  });
}

export interface BenchDocument {
  id: string;
  namespace: string;
  text: string;
  metadata: Record<string, string>;
}

/** `n` documents of 2–4 KB. */
export function indexingDocuments(n: number): BenchDocument[] {
  return Array.from({ length: n }, (_, i) => {
    let text = "";
    const target = 2048 + ((i * 7919) % 2048);
    for (let k = 0; text.length < target; k++) text += `${words(i * 1000 + k, 40)}\n\n`;
    return {
      id: `indexing-${i}`,
      namespace: "bench-indexing",
      text: text.slice(0, target),
      metadata: { title: `document ${i}` },
    };
  });
}

export function chunksOf(text: string): number {
  return chunkTextSync(text, CHUNKING).length;
}

/** Nothing pending in ingest's spool: every accepted event delivered (indexed) or dead-lettered. */
export async function spoolEmpty(dataDir: string): Promise<boolean> {
  return (
    (await listOrEmpty(join(dataDir, "spool", "ingest", "pending"))).filter(isPendingFile)
      .length === 0
  );
}

/**
 * What the vector store alone can write: the same documents chunked and embedded beforehand
 * (untimed), then `replaceDocument` through the VectorStore interface, as index-document calls
 * it, with the spool's delivery concurrency.
 */
export async function storeAloneChunksPerSecond(
  dataDir: string,
  documents: BenchDocument[],
): Promise<number> {
  const config = {
    ...parseEnv(z.object(vectorStoreEnv), {}),
    VECTOR_STORE: "embedded" as const,
    DATA_DIR: dataDir,
  };
  const embedder = new HashingEmbedder(384, createAnalyzer(config.TEXT_ANALYZER));
  const prepared = await Promise.all(
    documents.map(async (d) => {
      const texts = chunkTextSync(d.text, CHUNKING);
      const vectors = await embedder.embed(texts);
      return {
        id: d.id,
        chunks: texts.map((content, chunk_index) => ({
          id: chunkId(d.namespace, d.id, chunk_index),
          document_id: d.id,
          namespace: d.namespace,
          chunk_index,
          content,
          metadata: d.metadata,
          vector: vectors[chunk_index]!,
        })),
      };
    }),
  );
  const store = await createVectorStore(config);
  await store.ready();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: STORE_CONCURRENCY }, async () => {
      while (next < prepared.length) {
        const document = prepared[next++]!;
        await store.replaceDocument("bench-indexing", document.id, document.chunks);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return prepared.reduce((sum, d) => sum + d.chunks.length, 0) / seconds;
}
