/**
 * Okapi BM25 as Lucene scores it (BM25Similarity, Lucene ≥ 8), over terms that an Analyzer
 * produced, so that every store ranks the same way:
 *   idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))             never negative
 *   score(d, q) = Σ_{t ∈ q} idf(t) · tf / (tf + k1 · (1 − b + b · |d| / avgdl))
 * (Lucene dropped the constant (k1 + 1) factor of the textbook formula: same ranking.)
 * A term repeated in the query counts once per occurrence, as in a Lucene BooleanQuery.
 * k1 = 1.2 (how fast repeats of a term saturate) and b = 0.75 (how much longer-than-average
 * texts are discounted) are Lucene's and Elasticsearch's defaults.
 */
export interface Bm25Parameters {
  k1: number;
  b: number;
}

export const BM25_DEFAULTS: Bm25Parameters = { k1: 1.2, b: 0.75 };

export class Bm25Index {
  private readonly postings = new Map<string, { index: number; tf: number }[]>();
  private readonly lengths: number[] = [];
  private totalLength = 0;

  constructor(private readonly parameters: Bm25Parameters = BM25_DEFAULTS) {}

  /** Adds one entry (a chunk, a document) by its analyzed terms; returns its index. */
  add(terms: readonly string[]): number {
    const index = this.lengths.length;
    for (const [term, tf] of termFrequencies(terms)) {
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = []));
      list.push({ index, tf });
    }
    this.lengths.push(terms.length);
    this.totalLength += terms.length;
    return index;
  }

  /** Score per matching entry. */
  scoreAll(queryTerms: readonly string[]): Map<number, number> {
    return this.scoreWeighted(termFrequencies(queryTerms));
  }

  /** Score per matching entry for a query whose terms carry weights (a term's weight multiplies its part). */
  scoreWeighted(weights: ReadonlyMap<string, number>): Map<number, number> {
    const { k1, b } = this.parameters;
    const averageLength =
      this.lengths.length === 0 ? 1 : this.totalLength / this.lengths.length || 1;
    const scores = new Map<number, number>();
    for (const [term, weight] of weights) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const { index, tf } of list) {
        const norm = k1 * (1 - b + (b * this.lengths[index]!) / averageLength);
        scores.set(index, (scores.get(index) ?? 0) + (weight * idf * tf) / (tf + norm));
      }
    }
    return scores;
  }

  /**
   * A term's part of the score for `tf` occurrences, without length normalisation (b = 0): for
   * comparing the pieces of one entry, such as the chunks of a document.
   */
  unnormalizedTermScore(term: string, tf: number): number {
    return (this.idf(term) * tf) / (tf + this.parameters.k1);
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.length ?? 0;
    return Math.log(1 + (this.lengths.length - df + 0.5) / (df + 0.5));
  }
}

/** How often each term occurs: term frequencies of an entry, or a query's weights (one per occurrence). */
export function termFrequencies(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * BM25's saturation of each weighted query term in one chunk's space-joined terms (no idf or
 * length norm: it only orders the chunks of one document).
 */
export function chunkKeywordScore(terms: string, weights: ReadonlyMap<string, number>): number {
  const counts = termFrequencies(terms.split(" "));
  let score = 0;
  for (const [term, weight] of weights) {
    const tf = counts.get(term);
    if (tf) score += (weight * tf) / (tf + BM25_DEFAULTS.k1);
  }
  return score;
}
