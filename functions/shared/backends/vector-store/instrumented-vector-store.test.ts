import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { SpanKind, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { tempDir } from "../../../../test/support/temp-dir.ts";
import { DependencyError } from "../../runtime/dependency-error.ts";
import { EmbeddedVectorStore } from "./embedded.ts";
import { InstrumentedVectorStore } from "./instrumented-vector-store.ts";
import type { VectorStore } from "./vector-store.ts";

describe("InstrumentedVectorStore", () => {
  const spans = new InMemorySpanExporter();
  let embedded: EmbeddedVectorStore;
  before(async () => {
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    );
    embedded = new EmbeddedVectorStore(await tempDir("instrumented-vector-store"));
  });
  after(() => embedded.close());
  beforeEach(() => spans.reset());

  it("writes and searches in CLIENT spans that say what was asked and how much came back", async () => {
    const store = new InstrumentedVectorStore(embedded);
    await store.replaceDocument("traced", "doc", [
      {
        id: "traced-doc-0",
        document_id: "doc",
        namespace: "traced",
        chunk_index: 0,
        content: "spans around the vector store",
        metadata: {},
        vector: [1, 0],
      },
    ]);
    const hits = await store.search({
      namespace: "traced",
      mode: "keyword",
      text: "vector store",
      topK: 3,
      alpha: 0.1,
    });
    assert.equal(hits.length, 1);
    const [insert, search] = spans.getFinishedSpans();
    assert.deepEqual(
      [insert?.name, insert?.kind, insert?.attributes],
      [
        "db.insert",
        SpanKind.CLIENT,
        { "db.system": "embedded", "db.operation.name": "upsert", "db.operation.batch.size": 1 },
      ],
    );
    assert.deepEqual(
      [search?.name, search?.kind, search?.attributes],
      [
        "vector_search.query",
        SpanKind.CLIENT,
        {
          "db.system": "embedded",
          "db.operation.name": "search",
          "search.mode": "keyword",
          "search.top_k": 3,
          "search.alpha": 0.1,
          "db.namespace": "traced",
          "db.response.returned_rows": 1,
        },
      ],
    );
  });

  it("turns a store failure into a DependencyError of the vector store", async () => {
    const refused = () => Promise.reject(new Error("connection refused"));
    const down: VectorStore = {
      system: "weaviate",
      replaceDocument: refused,
      deleteDocument: refused,
      search: refused,
      namespaces: refused,
      ready: refused,
      close: () => Promise.resolve(),
    };
    const store = new InstrumentedVectorStore(down);
    const isDependencyError = (error: unknown) =>
      error instanceof DependencyError && error.dependency === "vector-store";
    await assert.rejects(store.replaceDocument("n", "d", []), isDependencyError);
    await assert.rejects(
      store.search({ namespace: "n", mode: "keyword", text: "q", topK: 1, alpha: 0 }),
      isDependencyError,
    );
    await assert.rejects(store.deleteDocument("n", "d"), isDependencyError);
    await assert.rejects(store.namespaces(), isDependencyError);
  });
});
