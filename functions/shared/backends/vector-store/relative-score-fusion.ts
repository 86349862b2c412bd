import type { SearchHit } from "../../domain/chunk.ts";

/**
 * Weaviate's "relativeScoreFusion": min-max scale each result list to [0, 1], then
 * score = alpha·vector + (1−alpha)·keyword. Used by the embedded store so that `alpha`
 * means the same thing with either backend.
 */
export function relativeScoreFusion(vectorHits: SearchHit[], keywordHits: SearchHit[], alpha: number, topK: number): SearchHit[] {
  const fused = new Map<string, SearchHit>();
  for (const [hits, weight] of [
    [vectorHits, alpha],
    [keywordHits, 1 - alpha],
  ] as const) {
    const scaled = minMaxScale(hits.map((h) => h.score));
    hits.forEach((hit, i) => {
      const contribution = weight * scaled[i]!;
      const existing = fused.get(hit.id);
      if (existing) existing.score += contribution;
      else fused.set(hit.id, { ...hit, score: contribution });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, topK);
}

function minMaxScale(scores: number[]): number[] {
  if (scores.length === 0) return [];
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  if (max === min) return scores.map(() => 1);
  return scores.map((s) => (s - min) / (max - min));
}
