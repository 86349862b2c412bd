/** Per-query retrieval metrics over a ranked list of distinct document ids, binary relevance. */
export interface QueryMetrics {
  ndcg10: number;
  ap: number;
  recall: number;
  rr: number;
}

export const METRIC_NAMES = [
  "ndcg10",
  "ap",
  "recall",
  "rr",
] as const satisfies readonly (keyof QueryMetrics)[];

/** `depth` is where MAP and Recall are cut (the `top_k` asked for). */
export function queryMetrics(
  ranking: readonly string[],
  relevant: ReadonlySet<string>,
  depth: number,
): QueryMetrics {
  const ranked = distinct(ranking).slice(0, depth);
  let dcg = 0;
  let hits = 0;
  let precisionSum = 0;
  let rr = 0;
  ranked.forEach((id, i) => {
    if (!relevant.has(id)) return;
    hits++;
    if (i < 10) dcg += 1 / Math.log2(i + 2);
    precisionSum += hits / (i + 1);
    if (rr === 0) rr = 1 / (i + 1);
  });
  let idcg = 0;
  for (let i = 0; i < Math.min(10, relevant.size); i++) idcg += 1 / Math.log2(i + 2);
  return {
    ndcg10: idcg === 0 ? 0 : dcg / idcg,
    ap: relevant.size === 0 ? 0 : precisionSum / Math.min(relevant.size, depth),
    recall: relevant.size === 0 ? 0 : hits / relevant.size,
    rr,
  };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
