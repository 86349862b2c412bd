import type { SearchHit } from "../../domain/chunk.ts";
import { asDependencyError } from "../../runtime/dependency-error.ts";
import { timeGenAiOperation } from "../../telemetry/pipeline-metrics.ts";
import { SpanKind, withSpan } from "../../telemetry/spans.ts";
import type { Answer, Answerer } from "./answerer.ts";

/**
 * An answerer whose every answer is a CLIENT span and a gen_ai operation with its token usage, its
 * failures a DependencyError (503, retried) unless the provider refused the input for good.
 */
export class InstrumentedAnswerer implements Answerer {
  constructor(private readonly answerer: Answerer) {}

  get provider() {
    return this.answerer.provider;
  }

  get model() {
    return this.answerer.model;
  }

  answer(query: string, sources: SearchHit[]): Promise<Answer> {
    return withSpan(
      "llm.rag_completion",
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.system": this.provider,
          "gen_ai.request.model": this.model,
        },
      },
      async (span) => {
        const result = await timeGenAiOperation(
          { operation: "chat", system: this.provider, model: this.model },
          () => asDependencyError("llm", () => this.answerer.answer(query, sources)),
          (answered) => answered.usage,
        );
        span.setAttribute("gen_ai.response.model", result.model);
        if (result.usage) {
          span.setAttributes({
            "gen_ai.usage.input_tokens": result.usage.input_tokens,
            "gen_ai.usage.output_tokens": result.usage.output_tokens,
          });
        }
        return result;
      },
    );
  }

  close(): Promise<void> {
    return this.answerer.close();
  }
}
