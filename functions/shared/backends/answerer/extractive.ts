import { type Analyzer, createAnalyzer } from "../../domain/analyzer.ts";
import type { SearchHit } from "../../domain/chunk.ts";
import type { Answer, Answerer } from "./answerer.ts";
import { splitSentences } from "./sentences.ts";

const MAX_SENTENCES = 3;
/** Sentences whose terms overlap this much (Jaccard) with one already chosen add nothing. */
const NEAR_DUPLICATE = 0.6;
/** Each rank down the sources costs this share of a sentence's score: prefer the best sources. */
const RANK_DISCOUNT = 0.15;

interface Candidate {
  sentence: string;
  citation: number;
  order: number;
  terms: Set<string>;
  score: number;
}

/**
 * The offline answer: no LLM, only quotes. Sentences of the sources are analyzed like the query
 * (the shared analyzer: stems, no stopwords) and scored by the query terms they contain, each
 * weighted by its rarity among the candidate sentences (idf), discounted by the source's rank.
 * Up to three sentences, no near-duplicates, in source order, each cited with its source number.
 */
export class ExtractiveAnswerer implements Answerer {
  readonly provider = "extractive";
  readonly model = "extractive-v2";

  constructor(private readonly analyzer: Analyzer = createAnalyzer("english")) {}

  async answer(query: string, sources: SearchHit[]): Promise<Answer> {
    if (sources.length === 0) {
      return {
        answer: "No indexed document matches this query.",
        kind: "extractive",
        model: this.model,
      };
    }
    const queryTerms = new Set(this.analyzer.terms(query));
    const candidates: Candidate[] = sources.flatMap((source, sourceIndex) =>
      splitSentences(source.content).map((sentence, position) => ({
        sentence,
        citation: sourceIndex + 1,
        order: sourceIndex * 10_000 + position,
        terms: new Set(this.analyzer.terms(sentence)),
        score: 0,
      })),
    );
    const idf = inverseDocumentFrequency(queryTerms, candidates);
    for (const candidate of candidates) {
      let matched = 0;
      for (const term of queryTerms) if (candidate.terms.has(term)) matched += idf.get(term)!;
      candidate.score = matched * (1 - RANK_DISCOUNT * Math.min(candidate.citation - 1, 5));
    }
    const chosen: Candidate[] = [];
    for (const candidate of candidates
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score || a.order - b.order)) {
      if (chosen.some((c) => jaccard(c.terms, candidate.terms) >= NEAR_DUPLICATE)) continue;
      chosen.push(candidate);
      if (chosen.length === MAX_SENTENCES) break;
    }
    const quoted =
      chosen.length > 0 ? chosen.sort((a, b) => a.order - b.order) : candidates.slice(0, 1);
    const body = quoted.map((c) => `${c.sentence} [${c.citation}]`).join(" ");
    return {
      answer: `Extractive answer (quoted from the sources; no LLM configured): ${body}`,
      kind: "extractive",
      model: this.model,
    };
  }

  async close(): Promise<void> {}
}

function inverseDocumentFrequency(
  terms: Set<string>,
  candidates: Candidate[],
): Map<string, number> {
  const idf = new Map<string, number>();
  for (const term of terms) {
    const df = candidates.filter((c) => c.terms.has(term)).length;
    idf.set(term, Math.log(1 + (candidates.length + 1) / (df + 0.5)));
  }
  return idf;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}
