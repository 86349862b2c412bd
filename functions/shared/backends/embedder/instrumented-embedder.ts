import { asDependencyError } from "../../runtime/dependency-error.ts";
import { timeGenAiOperation } from "../../telemetry/pipeline-metrics.ts";
import { withSpan } from "../../telemetry/spans.ts";
import type { Embedder } from "./embedder.ts";

/**
 * An embedder whose every batch is a span and a gen_ai operation, its failures a DependencyError
 * (503, retried) unless the provider refused the input for good.
 */
export class InstrumentedEmbedder implements Embedder {
  constructor(private readonly embedder: Embedder) {}

  get provider() {
    return this.embedder.provider;
  }

  get model() {
    return this.embedder.model;
  }

  get dimensions() {
    return this.embedder.dimensions;
  }

  embed(texts: string[]): Promise<number[][]> {
    return withSpan(
      this.provider === "openai" ? "openai.embeddings" : "embedding.local",
      {
        attributes: {
          "gen_ai.operation.name": "embeddings",
          "gen_ai.system": this.provider,
          "gen_ai.request.model": this.model,
          "gen_ai.embeddings.dimension.count": this.dimensions,
          "embedding.batch_size": texts.length,
        },
      },
      () =>
        timeGenAiOperation(
          { operation: "embeddings", system: this.provider, model: this.model },
          () => asDependencyError("embedder", () => this.embedder.embed(texts)),
        ),
    );
  }

  close(): Promise<void> {
    return this.embedder.close();
  }
}
