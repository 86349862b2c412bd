import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { EmbeddedChunk } from "../../domain/chunk.ts";
import { chunkId } from "../../domain/ids.ts";
import { HashingEmbedder } from "../embedder/hashing.ts";
import type { SearchQuery, VectorStore } from "./vector-store.ts";

/** Two instances over the same data: index-document writes, search reads. */
export interface VectorStorePair {
  writer: VectorStore;
  reader: VectorStore;
}

const embedder = new HashingEmbedder(64);

const texts = {
  kafka: [
    "Apache Kafka keeps events in partitioned topics.",
    "Consumers in a group share the partitions of a topic.",
  ],
  weaviate: [
    "Weaviate is a vector database with hybrid search.",
    "It answers nearVector and BM25 queries.",
  ],
  knative: [
    "Knative Serving scales a revision to zero pods.",
    "The activator wakes the revision on the next request.",
  ],
};

function chunksOf(namespace: string, documentId: string, contents: string[]): EmbeddedChunk[] {
  return contents.map((content, chunk_index) => ({
    id: chunkId(namespace, documentId, chunk_index),
    document_id: documentId,
    namespace,
    chunk_index,
    content,
    metadata: { title: documentId, source: `https://example.test/${documentId}`, lang: "en" },
    vector: embedder.embedOne(content),
  }));
}

/**
 * What every VectorStore must do, run against each adapter. Scores follow the interface:
 * vector = cosine similarity, keyword = BM25 (any scale, higher is better), hybrid in [0, 1].
 */
export function vectorStoreContract(adapter: string, open: () => Promise<VectorStorePair>): void {
  describe(`VectorStore contract: ${adapter}`, () => {
    let writer: VectorStore;
    let reader: VectorStore;
    // Unique per run, so a server shared with other tests holds nothing of ours yet.
    const ns = `contract-${Date.now().toString(36)}`;
    const other = `${ns}-other`;
    const search = (query: Partial<SearchQuery> & Pick<SearchQuery, "mode" | "text">) =>
      reader.search({
        namespace: ns,
        topK: 10,
        alpha: 0.5,
        vector: embedder.embedOne(query.text),
        ...query,
      });

    before(async () => {
      ({ writer, reader } = await open());
      await writer.ready();
      await reader.ready();
      for (const [id, contents] of Object.entries(texts))
        await writer.replaceDocument(ns, id, chunksOf(ns, id, contents));
      await writer.replaceDocument(
        other,
        "kafka",
        chunksOf(other, "kafka", ["Kafka partitions in another namespace."]),
      );
    });
    after(async () => {
      await writer?.close();
      await reader?.close();
    });

    it("counts documents and chunks per namespace", async () => {
      const stats = (await reader.namespaces()).filter((s) => s.namespace.startsWith(ns));
      assert.deepEqual(stats, [
        { namespace: ns, documents: 3, chunks: 6 },
        { namespace: other, documents: 1, chunks: 1 },
      ]);
    });

    it("finds by keyword (BM25) within the namespace only", async () => {
      const hits = await search({ mode: "keyword", text: "partitions topic" });
      assert.deepEqual(new Set(hits.map((h) => h.document_id)), new Set(["kafka"]));
      assert.ok(hits.every((h) => h.score > 0));
      assert.deepEqual(await search({ mode: "keyword", text: "zzzunknownword" }), []);
    });

    it("matches word forms in keyword and hybrid search: both go through the shared analyzer", async () => {
      for (const mode of ["keyword", "hybrid"] as const) {
        const [top] = await search({ mode, text: "consuming partition" });
        assert.equal(top?.document_id, "kafka", mode);
        const [woken] = await search({ mode, text: "activators waking" });
        assert.equal(woken?.document_id, "knative", mode);
      }
    });

    it("finds by vector with cosine similarity as the score", async () => {
      const [top] = await search({ mode: "vector", text: texts.knative[0]! });
      assert.equal(top!.id, chunkId(ns, "knative", 0));
      assert.ok(Math.abs(top!.score - 1) < 1e-3, `score ${top!.score}`);
    });

    it("returns hits with content, chunk index and metadata, best first, at most topK", async () => {
      const hits = await search({ mode: "vector", text: "the revision scales to zero", topK: 2 });
      assert.equal(hits.length, 2);
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score);
      const hit = hits.find((h) => h.id === chunkId(ns, "knative", 0))!;
      assert.deepEqual(
        {
          document_id: hit.document_id,
          chunk_index: hit.chunk_index,
          content: hit.content,
          metadata: hit.metadata,
        },
        {
          document_id: "knative",
          chunk_index: 0,
          content: texts.knative[0],
          metadata: { title: "knative", source: "https://example.test/knative", lang: "en" },
        },
      );
    });

    for (const mode of ["keyword", "vector", "hybrid"] as const) {
      it(`returns distinct documents in ${mode} mode, each as its best chunk, and its other chunks on request`, async () => {
        const text = "the activator wakes a revision scaled to zero pods";
        const hits = await search({ mode, text, topK: 3 });
        assert.equal(new Set(hits.map((h) => h.document_id)).size, hits.length);
        assert.equal(hits[0]!.document_id, "knative");
        assert.equal(hits[0]!.more_chunks, undefined);
        const [withMore] = await search({ mode, text, topK: 1, chunksPerDocument: 2 });
        assert.equal(withMore!.document_id, "knative");
        assert.deepEqual(
          [
            withMore!.chunk_index,
            ...(withMore!.more_chunks ?? []).map((c) => c.chunk_index),
          ].sort(),
          [0, 1],
        );
      });
    }

    it("fuses in hybrid mode: alpha 0 ranks like keyword, alpha 1 like vector, scores in [0, 1]", async () => {
      const text = "activator request";
      const keywordTop = (await search({ mode: "keyword", text }))[0]!.id;
      const vectorTop = (await search({ mode: "vector", text }))[0]!.id;
      const keywordOnly = await search({ mode: "hybrid", text, alpha: 0 });
      const vectorOnly = await search({ mode: "hybrid", text, alpha: 1 });
      assert.equal(keywordOnly[0]!.id, keywordTop);
      assert.equal(vectorOnly[0]!.id, vectorTop);
      for (const hit of [
        ...keywordOnly,
        ...vectorOnly,
        ...(await search({ mode: "hybrid", text })),
      ]) {
        assert.ok(hit.score >= 0 && hit.score <= 1 + 1e-6, `hybrid score ${hit.score}`);
      }
    });

    it("overwrites on a repeated replace instead of adding chunks", async () => {
      await writer.replaceDocument(ns, "kafka", chunksOf(ns, "kafka", texts.kafka));
      assert.deepEqual(
        (await reader.namespaces()).find((s) => s.namespace === ns),
        { namespace: ns, documents: 3, chunks: 6 },
      );
    });

    it("drops the chunks beyond a shorter new version", async () => {
      await writer.replaceDocument(
        ns,
        "weaviate",
        chunksOf(ns, "weaviate", ["Weaviate, shorter now."]),
      );
      assert.deepEqual(await search({ mode: "keyword", text: "nearVector" }), []);
      assert.deepEqual(
        (await reader.namespaces()).find((s) => s.namespace === ns),
        { namespace: ns, documents: 3, chunks: 5 },
      );
    });

    it("deletes one document of one namespace", async () => {
      await writer.deleteDocument(ns, "kafka");
      assert.deepEqual(await search({ mode: "keyword", text: "partitions" }), []);
      assert.equal(
        (
          await reader.search({
            namespace: other,
            mode: "keyword",
            text: "kafka",
            topK: 5,
            alpha: 0.5,
          })
        ).length,
        1,
      );
      assert.deepEqual(
        (await reader.namespaces()).find((s) => s.namespace === ns),
        { namespace: ns, documents: 2, chunks: 3 },
      );
    });

    it("answers an unknown namespace with no hits", async () => {
      assert.deepEqual(
        await reader.search({
          namespace: `${ns}-none`,
          mode: "hybrid",
          text: "kafka",
          vector: embedder.embedOne("kafka"),
          topK: 5,
          alpha: 0.5,
        }),
        [],
      );
    });
  });
}
