/**
 * Pseudo-relevance feedback in the manner of RM3 (Abdul-Jaleel et al., 2004): the best documents
 * of a first pass are taken as relevant, their most frequent terms (weighted by how well each
 * document scored) are added to the query, and the query is run again. It finds documents that
 * say the same thing in other words ("retrieval" → "index", "search"), which a lexical ranker
 * cannot do alone. Settings chosen on the odd-numbered half of CISI's queries and checked on the
 * even half (eval/): 5 feedback documents, 10 expansion terms, the original query keeps 70 %.
 */
export interface FeedbackSettings {
  documents: number;
  terms: number;
  /** Share of the expansion terms in the new query (1 − share stays with the original). */
  weight: number;
}

export const FEEDBACK_DEFAULTS: FeedbackSettings = { documents: 5, terms: 10, weight: 0.3 };

export interface FeedbackDocument {
  terms: readonly string[];
  score: number;
}

/** The expanded query as analyzed terms with weights (the original terms' weights sum to 1 − weight). */
export function expandQuery(
  queryTerms: readonly string[],
  firstPass: readonly FeedbackDocument[],
  settings: FeedbackSettings = FEEDBACK_DEFAULTS,
): Map<string, number> {
  const weights = new Map<string, number>();
  for (const term of queryTerms)
    weights.set(term, (weights.get(term) ?? 0) + (1 - settings.weight) / queryTerms.length);
  const feedback = firstPass
    .slice(0, settings.documents)
    .filter((d) => d.score > 0 && d.terms.length > 0);
  const total = feedback.reduce((sum, d) => sum + d.score, 0);
  if (total === 0) return weights;
  const relevance = new Map<string, number>();
  for (const document of feedback) {
    const share = document.score / total / document.terms.length;
    for (const term of document.terms) relevance.set(term, (relevance.get(term) ?? 0) + share);
  }
  const expansion = [...relevance]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, settings.terms);
  const sum = expansion.reduce((s, [, w]) => s + w, 0);
  for (const [term, w] of expansion)
    weights.set(term, (weights.get(term) ?? 0) + (settings.weight * w) / sum);
  return weights;
}
