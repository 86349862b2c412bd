import { chunkTextSync } from "../functions/index-document/chunker.ts";
import { HashingEmbedder } from "../functions/shared/backends/embedder/hashing.ts";
import { ChunkSearchIndex, type IndexQuery } from "../functions/shared/backends/vector-store/search-index.ts";
import { createAnalyzer } from "../functions/shared/domain/analyzer.ts";
import type { EmbeddedChunk } from "../functions/shared/domain/chunk.ts";
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

/**
 * The embedded store's ranking without processes or HTTP: the functions' chunker (default 800/100),
 * analyzer, hashing embedder and search index over a collection. For quick tuning (eval/tune.ts)
 * and the regression check in npm test; `npm run eval` measures the real functions.
 */
export function inProcessRanker(collection: Collection): (settings: RankingSettings) => InProcessResult {
  const analyzer = createAnalyzer("english");
  const embedder = new HashingEmbedder(384, analyzer);
  const chunks: EmbeddedChunk[] = collection.documents.flatMap((d) =>
    chunkTextSync(documentText(d), { size: 800, overlap: 100 }).map((content, chunk_index) => ({
      id: `${d.id}:${chunk_index}`,
      document_id: d.id,
      namespace: "eval",
      chunk_index,
      content,
      metadata: {},
      vector: embedder.embedOne(content),
    })),
  );
  const index = new ChunkSearchIndex(chunks, analyzer);
  return (settings) => {
    const rows = collection.queries.map((query) => {
      const vector = settings.mode === "keyword" ? undefined : embedder.embedOne(query.text);
      const hits = index.search({ ...settings, text: query.text, vector });
      return { query, metrics: queryMetrics(hits.map((h) => h.document_id), query.relevant, settings.topK) };
    });
    const ndcg = (tune: boolean) => mean(rows.filter((r) => isTuneQuery(r.query) === tune).map((r) => r.metrics.ndcg10));
    const all = Object.fromEntries(METRIC_NAMES.map((n) => [n, mean(rows.map((r) => r.metrics[n]))])) as unknown as QueryMetrics;
    return { all, tune: ndcg(true), check: ndcg(false) };
  };
}
