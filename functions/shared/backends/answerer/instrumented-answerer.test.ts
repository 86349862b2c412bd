import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { SpanKind, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { DependencyError } from "../../runtime/dependency-error.ts";
import type { Answerer } from "./answerer.ts";
import { InstrumentedAnswerer } from "./instrumented-answerer.ts";

/** A generative answerer: the model it answered with and the tokens it used. */
const generative: Answerer = {
  provider: "openai",
  model: "gpt-4o-mini",
  answer: async () => ({
    answer: "Yes [1].",
    kind: "generative",
    model: "gpt-4o-mini-2024-07-18",
    usage: { input_tokens: 120, output_tokens: 4 },
  }),
  close: () => Promise.resolve(),
};

describe("InstrumentedAnswerer", () => {
  const spans = new InMemorySpanExporter();
  before(() => {
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    );
  });
  beforeEach(() => spans.reset());

  it("answers in a CLIENT span carrying the model that answered and its token usage", async () => {
    const answer = await new InstrumentedAnswerer(generative).answer("q", []);
    assert.equal(answer.answer, "Yes [1].");
    const [span] = spans.getFinishedSpans();
    assert.equal(span?.name, "llm.rag_completion");
    assert.equal(span.kind, SpanKind.CLIENT);
    assert.deepEqual(span.attributes, {
      "gen_ai.operation.name": "chat",
      "gen_ai.system": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.usage.input_tokens": 120,
      "gen_ai.usage.output_tokens": 4,
    });
  });

  it("turns a provider failure into a DependencyError of the llm", async () => {
    const down = { ...generative, answer: () => Promise.reject(new Error("socket hang up")) };
    await assert.rejects(
      new InstrumentedAnswerer(down).answer("q", []),
      (error) => error instanceof DependencyError && error.dependency === "llm",
    );
  });
});
