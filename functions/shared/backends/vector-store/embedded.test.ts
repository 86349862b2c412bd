import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { connect } from "@lancedb/lancedb";
import type { EmbeddedChunk } from "../../domain/chunk.ts";
import { chunkId } from "../../domain/ids.ts";
import { HashingEmbedder } from "../embedder/hashing.ts";
import { EmbeddedVectorStore } from "./embedded.ts";

const embedder = new HashingEmbedder(64);
const chunk = (documentId: string, index: number, content: string): EmbeddedChunk => ({
  id: chunkId("ns", documentId, index),
  document_id: documentId,
  namespace: "ns",
  chunk_index: index,
  content,
  metadata: { title: documentId },
  vector: embedder.embedOne(content),
});

describe("EmbeddedVectorStore shared by a writer and a reader", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vectors-"));
  after(() => rm(dir, { recursive: true, force: true }));
  const writer = new EmbeddedVectorStore(dir);
  const reader = new EmbeddedVectorStore(dir);
  const search = (text: string) =>
    reader.search({ namespace: "ns", mode: "keyword", text, topK: 10, alpha: 0.5 });

  it("lets a separate instance see each write", async () => {
    assert.deepEqual(await search("kafka"), []);
    await writer.replaceDocument("ns", "doc-a", [
      chunk("doc-a", 0, "kafka carries events"),
      chunk("doc-a", 1, "weaviate stores vectors"),
    ]);
    assert.deepEqual(
      (await search("kafka")).map((h) => h.document_id),
      ["doc-a"],
    );
    await writer.replaceDocument("ns", "doc-b", [
      chunk("doc-b", 0, "kafka topics have partitions"),
    ]);
    assert.equal((await search("kafka")).length, 2);
  });

  it("replaces a document's chunks instead of adding to them", async () => {
    await writer.replaceDocument("ns", "doc-a", [chunk("doc-a", 0, "redis caches answers")]);
    assert.deepEqual(
      (await search("weaviate")).map((h) => h.id),
      [],
    );
    assert.deepEqual(await reader.namespaces(), [{ namespace: "ns", documents: 2, chunks: 2 }]);
  });

  it("ranks by cosine similarity in vector mode and fuses in hybrid mode", async () => {
    const vector = embedder.embedOne("redis caches answers");
    const vectorHits = await reader.search({
      namespace: "ns",
      mode: "vector",
      text: "",
      vector,
      topK: 2,
      alpha: 0.5,
    });
    assert.equal(vectorHits[0]!.document_id, "doc-a");
    assert.ok(Math.abs(vectorHits[0]!.score - 1) < 1e-6);
    const hybrid = await reader.search({
      namespace: "ns",
      mode: "hybrid",
      text: "kafka partitions",
      vector: embedder.embedOne("kafka partitions"),
      topK: 2,
      alpha: 0.5,
    });
    assert.equal(hybrid[0]!.document_id, "doc-b");
    assert.ok(hybrid.every((h) => h.score >= 0 && h.score <= 1));
  });

  it("deletes a document and knows nothing of other namespaces", async () => {
    await writer.deleteDocument("ns", "doc-b");
    assert.deepEqual(await search("kafka"), []);
    assert.deepEqual(
      await reader.search({
        namespace: "other",
        mode: "keyword",
        text: "redis",
        topK: 5,
        alpha: 0.5,
      }),
      [],
    );
  });
});

describe("EmbeddedVectorStore under concurrent writes in one process", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vectors-"));
  after(() => rm(dir, { recursive: true, force: true }));

  it("folds one namespace at a time, so no write warns or is lost", async () => {
    const warnings: string[] = [];
    const store = new EmbeddedVectorStore(dir, undefined, (message) => warnings.push(message));
    const ids = Array.from({ length: 24 }, (_, i) => `doc-${i}`);
    await Promise.all(
      ids.map((id) => store.replaceDocument("ns", id, [chunk(id, 0, `event ${id} arrives`)])),
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(await store.namespaces(), [{ namespace: "ns", documents: 24, chunks: 24 }]);
    await store.close();
  });

  it("writes concurrent replacements in shared commits", async () => {
    const shared = await mkdtemp(join(tmpdir(), "vectors-"));
    after(() => rm(shared, { recursive: true, force: true }));
    const store = new EmbeddedVectorStore(shared);
    const ids = Array.from({ length: 24 }, (_, i) => `doc-${i}`);
    await Promise.all(
      ids.map((id) => store.replaceDocument("ns", id, [chunk(id, 0, `event ${id} arrives`)])),
    );
    assert.deepEqual(await store.namespaces(), [{ namespace: "ns", documents: 24, chunks: 24 }]);
    await store.close();
    // One commit each would make 24 or more versions (measured: 31); the first write goes
    // alone and the other 23 in the next, plus creation and folds.
    const db = await connect(join(shared, "lancedb"));
    const versions = (await (await db.openTable("chunks_ns")).listVersions()).length;
    db.close();
    assert.ok(versions <= 8, `${versions} versions of the chunks table for 24 writes`);
  });
});

describe("EmbeddedVectorStore with a vector index", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vectors-"));
  after(() => rm(dir, { recursive: true, force: true }));

  it("indexes a large namespace's vectors and still returns the exact nearest", async () => {
    const store = new EmbeddedVectorStore(dir, undefined, undefined, 100);
    const contents = Array.from(
      { length: 120 },
      (_, i) => `chunk ${i} about ${["kafka", "redis", "weaviate", "knative"][i % 4]} ${i * 7}`,
    );
    await store.replaceDocuments(
      "ns",
      contents.map((content, i) => ({
        documentId: `doc-${i}`,
        chunks: [chunk(`doc-${i}`, 0, content)],
      })),
    );
    await store.compact("ns");
    const db = await connect(join(dir, "lancedb"));
    const indexed = async (table: string) =>
      (await (await db.openTable(table)).listIndices()).flatMap((index) => index.columns).sort();
    assert.deepEqual(await indexed("chunks_ns"), ["document_id", "vector"]);
    assert.deepEqual(await indexed("documents_ns"), ["document_id", "terms"]);
    db.close();

    // Written after the index was built: LanceDB scans it beside the index's answer.
    contents.push("redis 42 about kafka, written after the index");
    await store.replaceDocument("ns", "doc-120", [chunk("doc-120", 0, contents[120]!)]);
    const query = embedder.embedOne("redis 42 about kafka");
    const cosine = (v: number[]) => {
      const norm = (x: number[]) => Math.sqrt(x.reduce((s, a) => s + a * a, 0));
      return v.reduce((s, a, d) => s + a * query[d]!, 0) / (norm(v) * norm(query));
    };
    const exact = contents
      .map((content, i) => ({ id: `doc-${i}`, score: cosine(embedder.embedOne(content)) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10);
    const hits = await store.search({
      namespace: "ns",
      mode: "vector",
      text: "",
      vector: query,
      topK: 10,
      alpha: 0.5,
    });
    assert.equal(hits[0]!.document_id, "doc-120");
    assert.deepEqual(
      hits.map((h) => h.document_id),
      exact.map((e) => e.id),
    );
    for (const [i, hit] of hits.entries()) assert.ok(Math.abs(hit.score - exact[i]!.score) < 1e-5);
    await store.close();
  });
});
