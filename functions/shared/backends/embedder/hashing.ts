import { type Analyzer, createAnalyzer } from "../../domain/analyzer.ts";
import { yieldToEventLoop } from "../../runtime/yield.ts";
import type { Embedder } from "./embedder.ts";

/** About a millisecond of hashing: a request of a million characters lets probes in ~100 times. */
const YIELD_EVERY_CHARS = 8192;

/**
 * A LEXICAL embedder, not a semantic one: signed feature hashing ("the hashing trick",
 * Weinberger et al. 2009) of the analyzer's terms (stemmed, stopwords removed), term bigrams
 * and character trigrams of each term, L2-normalised. Texts that share words and word pieces
 * get close vectors; synonyms do not. It needs no model download, so the pipeline runs offline;
 * configure EMBEDDER=openai for semantic embeddings.
 */
export class HashingEmbedder implements Embedder {
  readonly provider = "hashing";
  readonly model: string;

  constructor(
    readonly dimensions: number,
    private readonly analyzer: Analyzer = createAnalyzer("english"),
  ) {
    // The analyzer is part of the model: vectors made with another one are not comparable.
    this.model = `hashing-lexical-v2-${analyzer.language}-${dimensions}`;
  }

  async embed(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    let sinceYield = 0;
    for (const text of texts) {
      vectors.push(this.embedOne(text));
      sinceYield += text.length;
      if (sinceYield >= YIELD_EVERY_CHARS) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
    return vectors;
  }

  embedOne(text: string): number[] {
    const vector = new Float64Array(this.dimensions);
    const words = this.analyzer.terms(text);
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      this.add(vector, `w:${word}`, 1);
      if (i + 1 < words.length) this.add(vector, `b:${word} ${words[i + 1]}`, 0.5);
      const padded = `<${word}>`;
      for (let j = 0; j + 3 <= padded.length; j++)
        this.add(vector, `c:${padded.slice(j, j + 3)}`, 0.25);
    }
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm);
    return Array.from(vector, (value) => (norm === 0 ? 0 : value / norm));
  }

  async close(): Promise<void> {}

  private add(vector: Float64Array, feature: string, weight: number): void {
    const hash = fnv1a(feature);
    const sign = hash & 0x80000000 ? -1 : 1;
    vector[(hash & 0x7fffffff) % this.dimensions]! += sign * weight;
  }
}

/** 32-bit FNV-1a over UTF-16 code units; stable across processes and platforms. */
function fnv1a(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
