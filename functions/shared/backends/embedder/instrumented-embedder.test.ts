import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { DependencyError, DependencyRejected } from "../../runtime/dependency-error.ts";
import type { Embedder } from "./embedder.ts";
import { HashingEmbedder } from "./hashing.ts";
import { InstrumentedEmbedder } from "./instrumented-embedder.ts";

/** An embedder that fails each call with `error`, as a provider outage or refusal does. */
const failingWith = (error: Error): Embedder => ({
  provider: "openai",
  model: "text-embedding-3-small",
  dimensions: 1536,
  embed: () => Promise.reject(error),
  close: () => Promise.resolve(),
});

describe("InstrumentedEmbedder", () => {
  const spans = new InMemorySpanExporter();
  before(() => {
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    );
  });
  beforeEach(() => spans.reset());

  it("embeds a batch in one span named after where it runs", async () => {
    const embedder = new InstrumentedEmbedder(new HashingEmbedder(16));
    const vectors = await embedder.embed(["one", "two"]);
    assert.equal(vectors.length, 2);
    assert.equal(embedder.dimensions, 16);
    const [span] = spans.getFinishedSpans();
    assert.equal(span?.name, "embedding.local");
    assert.deepEqual(span.attributes, {
      "gen_ai.operation.name": "embeddings",
      "gen_ai.system": "hashing",
      "gen_ai.request.model": embedder.model,
      "gen_ai.embeddings.dimension.count": 16,
      "embedding.batch_size": 2,
    });
  });

  it("turns a provider failure into a DependencyError of the embedder, a refusal stays one", async () => {
    await assert.rejects(
      new InstrumentedEmbedder(failingWith(new Error("socket hang up"))).embed(["a"]),
      (error) => error instanceof DependencyError && error.dependency === "embedder",
    );
    const refusal = new DependencyRejected("openai", "maximum context length");
    await assert.rejects(
      new InstrumentedEmbedder(failingWith(refusal)).embed(["a"]),
      (error) => error === refusal,
    );
    assert.deepEqual(
      spans.getFinishedSpans().map((s) => s.name),
      ["openai.embeddings", "openai.embeddings"],
    );
  });
});
