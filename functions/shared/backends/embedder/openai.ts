import type OpenAI from "openai";
import { openAiCall } from "../openai/errors.ts";
import type { Embedder } from "./embedder.ts";

/** Semantic embeddings from OpenAI (text-embedding-3-small by default) or a compatible server. */
export class OpenAiEmbedder implements Embedder {
  readonly provider = "openai";

  constructor(
    private readonly client: OpenAI,
    readonly model: string,
    readonly dimensions: number,
    /** Sent only when configured: compatible servers may reject the parameter. */
    private readonly requestDimensions: boolean,
  ) {}

  async embed(texts: string[]): Promise<number[][]> {
    const response = await openAiCall("embedder", () =>
      this.client.embeddings.create({
        model: this.model,
        input: texts,
        encoding_format: "float",
        ...(this.requestDimensions ? { dimensions: this.dimensions } : {}),
      }),
    );
    const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    if (vectors.length !== texts.length)
      throw new Error(
        `${this.model} returned ${vectors.length} embeddings for ${texts.length} texts`,
      );
    const wrong = vectors.find((v) => v.length !== this.dimensions);
    if (wrong)
      throw new Error(
        `${this.model} returned ${wrong.length} dimensions; set EMBEDDING_DIMENSIONS=${wrong.length}`,
      );
    return vectors;
  }

  async close(): Promise<void> {}
}
