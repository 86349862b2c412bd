/** Turns texts into vectors of a fixed dimension, in input order. */
export interface Embedder {
  /** `gen_ai.system`-style provider name, e.g. "openai" or "hashing". */
  readonly provider: string;
  readonly model: string;
  readonly dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
  close(): Promise<void>;
}
