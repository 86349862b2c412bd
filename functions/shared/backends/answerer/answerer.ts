import type { SearchHit } from "../../domain/chunk.ts";

export interface Answer {
  answer: string;
  /** "extractive" (sentences quoted from the sources) or "generative" (an LLM wrote it). */
  kind: "extractive" | "generative";
  model: string;
  usage?: { input_tokens: number; output_tokens: number };
}

/** Writes an answer to the query grounded in the numbered sources ([1] is sources[0]). */
export interface Answerer {
  readonly provider: string;
  readonly model: string;
  answer(query: string, sources: SearchHit[]): Promise<Answer>;
  close(): Promise<void>;
}
