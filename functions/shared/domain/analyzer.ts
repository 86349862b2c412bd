import { stemmer } from "stemmer";

/**
 * The one text analyzer of the project: what the keyword index, the hashing embedder, the
 * extractive answerer and (through an analyzed property) Weaviate see of a text. Index and query
 * must go through the same analyzer, or stemmed index terms never meet unstemmed query terms.
 *
 * `english`: Unicode word tokens (letters, marks and digits of any script; apostrophes inside a
 * word kept, a possessive 's dropped), case-folded (NFKC, then lower case), English stopwords and
 * one-character tokens removed, then the Porter stemmer ("flexibility" and "flexible" → "flexibl").
 * `off`: tokens and case folding only.
 */
export type AnalyzerLanguage = "english" | "off";
export const ANALYZER_LANGUAGES = ["english", "off"] as const satisfies readonly AnalyzerLanguage[];

export interface Analyzer {
  readonly language: AnalyzerLanguage;
  /** Index and query terms, in text order (repeats kept: they are term frequencies). */
  terms(text: string): string[];
}

/**
 * English stopwords: the list of the `stopword` npm package (from the `natural` project, MIT), 108
 * words. Measured against Lucene's 33-word set on the tune half of CISI's queries: questions
 * ("what", "how", "would", "about", …) stop matching every document (nDCG@10 0.367 → 0.405).
 * Copied rather than depended on: the package bundles 62 languages as CommonJS (237 KB in every
 * function bundle) for these 108 words.
 */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  (
    "about after all also am an and another any are as at be because been before being between both but by came can come could did do " +
    "each for from get got has had he have her here him himself his how if in into is it like make many me might more most much must my " +
    "never now of on only or other our out over said same should since some still such take than that the their them then there these " +
    "they this those through to too under up very was way we well were what where which while who with would you your a i"
  ).split(" "),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}\p{N}]+)*/gu;

export function tokenize(text: string): string[] {
  const tokens = text.normalize("NFKC").toLowerCase().match(WORD) ?? [];
  return tokens.map((t) => t.replace(/['’]s$/, "").replace(/['’]/g, ""));
}

export function createAnalyzer(language: AnalyzerLanguage): Analyzer {
  if (language === "off") return { language, terms: tokenize };
  const cache = new Map<string, string>();
  const stem = (token: string) => {
    let stemmed = cache.get(token);
    if (stemmed === undefined) {
      stemmed = stemmer(token);
      if (cache.size < 100_000) cache.set(token, stemmed);
    }
    return stemmed;
  };
  return {
    language,
    terms: (text) =>
      tokenize(text)
        .filter((t) => t.length > 1 && !ENGLISH_STOPWORDS.has(t))
        .map(stem),
  };
}
