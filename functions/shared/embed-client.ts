import { postJson } from "./runtime/http-client.ts";
import { SpanKind, withSpan } from "./telemetry/spans.ts";

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

  /** In its own CLIENT span, so that each caller's trace shows the hop to embed as one step. */
  async embed(texts: string[]): Promise<EmbedResponse> {
    return withSpan(
      "embedding.generate",
      { kind: SpanKind.CLIENT, attributes: { "embedding.batch_size": texts.length } },
      () =>
        postJson<EmbedResponse>(
          new URL("/embed", this.baseUrl).href,
          { input: texts },
          {
            dependency: "embed",
            timeoutMs: this.timeoutMs,
            retries: 2,
          },
        ),
    );
  }
}
