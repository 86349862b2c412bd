import { postJson } from "./runtime/http-client.ts";

export interface EmbedResponse {
  model: string;
  dimensions: number;
  embeddings: number[][];
  cached: number;
}

/** The embed function, seen from index-document and search. */
export class EmbedClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async embed(texts: string[]): Promise<EmbedResponse> {
    return postJson<EmbedResponse>(
      new URL("/embed", this.baseUrl).href,
      { input: texts },
      {
        dependency: "embed",
        timeoutMs: this.timeoutMs,
        retries: 2,
      },
    );
  }
}
