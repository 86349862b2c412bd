import { chunkTextSync } from "../functions/index-document/chunker.ts";
import { HashingEmbedder } from "../functions/shared/backends/embedder/hashing.ts";
import { EmbeddedVectorStore } from "../functions/shared/backends/vector-store/embedded.ts";
import type { IndexQuery } from "../functions/shared/backends/vector-store/search-index.ts";
import { createAnalyzer } from "../functions/shared/domain/analyzer.ts";
import type { EmbeddedChunk, SearchHit } from "../functions/shared/domain/chunk.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import type { Collection } from "./collection.ts";
import { mean, METRIC_NAMES, type QueryMetrics, queryMetrics } from "./metrics.ts";
import { documentText } from "./pipeline-run.ts";
import { isTuneQuery } from "./report.ts";

export type RankingSettings = Omit<IndexQuery, "text" | "vector">;

export interface InProcessResult {
  all: QueryMetrics;
  /** nDCG@10 on the odd (tune) and even (check) query ids. */
  tune: number;
  check: number;
}

export type Ranker = (settings: RankingSettings) => Promise<InProcessResult>;

export const analyzer = createAnalyzer("english");
export const embedder = new HashingEmbedder(384, analyzer);

/** A collection's documents as the functions index them: chunker (800/100), hashing embedder. */
export function embeddedDocuments(
  collection: Collection,
): { documentId: string; chunks: EmbeddedChunk[] }[] {
  return collection.documents.map((d) => ({
    documentId: d.id,
    chunks: chunkTextSync(documentText(d), { size: 800, overlap: 100 }).map(
      (content, chunk_index) => ({
        id: `${d.id}:${chunk_index}`,
        document_id: d.id,
        namespace: "eval",
        chunk_index,
        content,
        metadata: {},
        vector: embedder.embedOne(content),
      }),
    ),
  }));
}

/** Scores a store's answers to every query of the collection. */
export function ranker(
  collection: Collection,
  search: (query: IndexQuery & { vector?: number[] }) => Promise<SearchHit[]> | SearchHit[],
): Ranker {
  return async (settings) => {
    const rows: { query: Collection["queries"][number]; metrics: QueryMetrics }[] = [];
    for (const query of collection.queries) {
      const vector = settings.mode === "keyword" ? undefined : embedder.embedOne(query.text);
      const hits = await search({ ...settings, text: query.text, vector });
      rows.push({
        query,
        metrics: queryMetrics(
          hits.map((h) => h.document_id),
          query.relevant,
          settings.topK,
        ),
      });
    }
    const ndcg = (tune: boolean) =>
      mean(rows.filter((r) => isTuneQuery(r.query) === tune).map((r) => r.metrics.ndcg10));
    const all = Object.fromEntries(
      METRIC_NAMES.map((n) => [n, mean(rows.map((r) => r.metrics[n]))]),
    ) as unknown as QueryMetrics;
    return { all, tune: ndcg(true), check: ndcg(false) };
  };
}

/**
 * The embedded store's ranking without separate processes or HTTP: the functions' chunker (default
 * 800/100), analyzer, hashing embedder and embedded store (in a temporary directory) over a
 * collection. For quick tuning (eval/tune.ts) and the regression check in npm test; `npm run eval`
 * measures the real functions.
 */
export async function inProcessRanker(collection: Collection): Promise<Ranker> {
  const store = new EmbeddedVectorStore(await tempDir("eval-in-process"), analyzer);
  const documents = embeddedDocuments(collection);
  for (let i = 0; i < documents.length; i += 500)
    await store.replaceDocuments("eval", documents.slice(i, i + 500));
  await store.compact("eval");
  return ranker(collection, (query) => store.search({ ...query, namespace: "eval" }));
}
