/**
 * Hybrid fusion of two score lists over the same keys (documents): each list is min-max scaled to
 * [0, 1] over its own candidates — Weaviate's relativeScoreFusion — then
 * fused = alpha·vector + (1 − alpha)·keyword; a key missing from a list gets 0 there.
 */
export function relativeScoreFusion<K>(
  vector: ReadonlyMap<K, number>,
  keyword: ReadonlyMap<K, number>,
  alpha: number,
): Map<K, number> {
  const fused = new Map<K, number>();
  for (const [scores, weight] of [
    [vector, alpha],
    [keyword, 1 - alpha],
  ] as const) {
    const values = [...scores.values()];
    const min = Math.min(...values);
    const max = Math.max(...values);
    for (const [key, score] of scores) {
      const scaled = max === min ? 1 : (score - min) / (max - min);
      fused.set(key, (fused.get(key) ?? 0) + weight * scaled);
    }
  }
  return fused;
}

/** The `limit` best entries of a score map (ties: smaller key first, so that results are stable). */
export function best<K extends number | string>(
  scores: ReadonlyMap<K, number>,
  limit: number,
): Map<K, number> {
  return new Map(
    [...scores]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, limit),
  );
}
