import type { SearchHit } from "../../domain/chunk.ts";
import { tokenize } from "../embedder/hashing.ts";
import type { Answer, Answerer } from "./answerer.ts";

const MAX_SENTENCES = 3;
const STOP_WORDS = new Set(
  "a an and are as at be by can do does for from how i in is it of on or the this to what when where which who why with you your".split(" "),
);

/**
 * The offline answer: no LLM, only quotes. Picks the sentences of the best sources that share
 * the most query words and cites each with its source number. Clearly labelled as extractive.
 */
export class ExtractiveAnswerer implements Answerer {
  readonly provider = "extractive";
  readonly model = "extractive-v1";

  async answer(query: string, sources: SearchHit[]): Promise<Answer> {
    if (sources.length === 0) {
      return { answer: "No indexed document matches this query.", kind: "extractive", model: this.model };
    }
    const queryTerms = new Set(tokenize(query).filter((t) => !STOP_WORDS.has(t)).map(stem));
    const candidates = sources.flatMap((source, sourceIndex) =>
      splitSentences(source.content).map((sentence, position) => ({
        sentence,
        citation: sourceIndex + 1,
        overlap: overlap(sentence, queryTerms),
        order: sourceIndex * 1000 + position,
      })),
    );
    const picked = candidates
      .filter((c) => c.overlap > 0)
      .sort((a, b) => b.overlap - a.overlap || a.order - b.order)
      .slice(0, MAX_SENTENCES)
      .sort((a, b) => a.order - b.order);
    const chosen = picked.length > 0 ? picked : candidates.slice(0, 1);
    const body = chosen.map((c) => `${c.sentence} [${c.citation}]`).join(" ");
    return {
      answer: `Extractive answer (quoted from the sources; no LLM configured): ${body}`,
      kind: "extractive",
      model: this.model,
    };
  }

  async close(): Promise<void> {}
}

export function splitSentences(text: string): string[] {
  return text
    .replace(/^#+\s*/gm, "")
    .split(/(?<=[.!?])\s+|\n{2,}|\n(?=[-*]\s)/)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => s.length >= 12);
}

/** A crude suffix stripper, enough to match "wakes" with "wake" and "scaling" with "scale". */
function stem(word: string): string {
  return word.length > 4 ? word.replace(/(ing|ed|es|s|e)$/, "") : word;
}

function overlap(sentence: string, queryTerms: Set<string>): number {
  const seen = new Set(tokenize(sentence).map(stem));
  let count = 0;
  for (const term of queryTerms) if (seen.has(term)) count++;
  return count;
}
