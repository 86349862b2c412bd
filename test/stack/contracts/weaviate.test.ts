import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import weaviateClient from "weaviate-client";
import { HashingEmbedder } from "../../../functions/shared/backends/embedder/hashing.ts";
import { vectorStoreContract } from "../../../functions/shared/backends/vector-store/vector-store.contract.ts";
import type { EmbeddedChunk } from "../../../functions/shared/domain/chunk.ts";
import { chunkId } from "../../../functions/shared/domain/ids.ts";
import {
  WeaviateVectorStore,
  type WeaviateOptions,
} from "../../../functions/shared/backends/vector-store/weaviate.ts";
import { startWeaviate, type WeaviateServer } from "../servers.ts";

const weaviate: WeaviateServer = await startWeaviate();
after(() => weaviate.cleanup());
const options = (collection: string, extra: Partial<WeaviateOptions> = {}): WeaviateOptions => ({
  httpUrl: weaviate.httpUrl,
  grpcUrl: `http://${weaviate.grpcHost}:${weaviate.grpcPort}`,
  collection,
  timeoutSeconds: 5,
  ...extra,
});
/** weaviate-client on the test server, to see or set up what the store does not. */
const rawClient = () =>
  weaviateClient.connectToCustom({
    httpHost: weaviate.httpHost,
    httpPort: weaviate.httpPort,
    grpcHost: weaviate.grpcHost,
    grpcPort: weaviate.grpcPort,
  });

vectorStoreContract("weaviate", async () => ({
  writer: new WeaviateVectorStore(options("ContractChunk")),
  reader: new WeaviateVectorStore(options("ContractChunk")),
}));

describe("WeaviateVectorStore when Weaviate goes away", () => {
  const store = new WeaviateVectorStore(options("OutageChunk"));
  const query = {
    namespace: "outage",
    mode: "keyword" as const,
    text: "anything",
    topK: 3,
    alpha: 0.5,
  };
  before(() => store.ready());
  after(() => store.close());

  it("fails fast while Weaviate is down and works again once it is back, with the same client", async () => {
    await weaviate.stop();
    const began = performance.now();
    await assert.rejects(store.ready());
    const readyFailedMs = performance.now() - began;
    await assert.rejects(store.search(query));
    const searchFailedMs = performance.now() - began - readyFailedMs;
    console.log(
      `weaviate down: ready() rejected in ${Math.round(readyFailedMs)} ms, search() in ${Math.round(searchFailedMs)} ms`,
    );
    assert.ok(readyFailedMs < 2000 && searchFailedMs < 20_000);
    await weaviate.start();
    assert.deepEqual(await store.search(query), []);
  });
});

describe("WeaviateVectorStore replacing a document", () => {
  const embedder = new HashingEmbedder(32);
  const namespace = "replace";
  const chunksOf = (
    documentId: string,
    version: string,
    count: number,
    dimensions = 32,
  ): EmbeddedChunk[] =>
    Array.from({ length: count }, (_, i) => ({
      id: chunkId(namespace, documentId, i),
      document_id: documentId,
      namespace,
      chunk_index: i,
      content: `${version} chunk ${i} of the replaced document`,
      metadata: { version },
      vector:
        dimensions === 32
          ? embedder.embedOne(`${version} chunk ${i}`)
          : new Array<number>(dimensions).fill(0.1),
    }));
  // Reclaims versions no head points at as soon as the next replace runs.
  const writer = new WeaviateVectorStore(options("ReplaceChunk", { abandonedVersionMs: 0 }));
  const reader = new WeaviateVectorStore(options("ReplaceChunk"));
  const versionsSeen = async (documentId: string) => {
    // Sources are documents: every chunk of this one comes back as the hit and its more_chunks.
    // Hybrid: chunks written before versioning (and before the analyzed terms) are found by their vectors.
    const text = "chunk replaced document";
    const hits = await reader.search({
      namespace,
      mode: "hybrid",
      text,
      vector: embedder.embedOne(text),
      topK: 20,
      alpha: 0.5,
      chunksPerDocument: 10,
    });
    const mine = hits
      .filter((h) => h.document_id === documentId)
      .flatMap((h) => [h, ...(h.more_chunks ?? [])]);
    return { versions: new Set(mine.map((c) => c.content.split(" ")[0])), chunks: mine.length };
  };
  const storedObjects = async (documentId: string) => {
    const client = await rawClient();
    try {
      const chunks = client.collections.get("ReplaceChunk");
      const result = await chunks.aggregate.overAll({
        filters: chunks.filter.byProperty("document_id").equal(documentId),
      });
      return result.totalCount;
    } finally {
      await client.close();
    }
  };
  before(() => writer.ready());
  after(async () => {
    await writer.close();
    await reader.close();
  });

  it("a write that fails half-way leaves the old version whole, and the next replace collects its leftovers", async () => {
    await writer.replaceDocument(namespace, "half", chunksOf("half", "v1", 3));
    assert.deepEqual(await versionsSeen("half"), { versions: new Set(["v1"]), chunks: 3 });
    // Weaviate takes chunk 0 and refuses chunk 1 (wrong vector size): a crash in the middle of the write.
    const broken = [...chunksOf("half", "v2", 1), ...chunksOf("half", "v2", 2, 7).slice(1)];
    await assert.rejects(writer.replaceDocument(namespace, "half", broken));
    assert.deepEqual(
      await versionsSeen("half"),
      { versions: new Set(["v1"]), chunks: 3 },
      "one whole version, never a mix",
    );
    await writer.replaceDocument(namespace, "half", chunksOf("half", "v3", 2));
    assert.deepEqual(await versionsSeen("half"), { versions: new Set(["v3"]), chunks: 2 });
    assert.equal(await storedObjects("half"), 2, "no stale chunks left behind");
  });

  it("serves chunks an older release wrote (no version) until the document is replaced, then drops them", async () => {
    const client = await rawClient();
    try {
      const [legacy] = chunksOf("legacy", "v0", 1);
      // As the previous release wrote it: the chunk id as object id, no version, chunk_id or written_at.
      const properties = {
        document_id: "legacy",
        namespace,
        chunk_index: 0,
        content: legacy!.content,
        title: "",
        source: "",
        type: "",
        metadata_json: JSON.stringify(legacy!.metadata),
      };
      await client.collections
        .get("ReplaceChunk")
        .data.insert({ id: legacy!.id, properties, vectors: legacy!.vector });
    } finally {
      await client.close();
    }
    assert.deepEqual(await versionsSeen("legacy"), { versions: new Set(["v0"]), chunks: 1 });
    await writer.replaceDocument(namespace, "legacy", chunksOf("legacy", "v1", 2));
    assert.deepEqual(await versionsSeen("legacy"), { versions: new Set(["v1"]), chunks: 2 });
    assert.equal(await storedObjects("legacy"), 2);
  });

  it("a reader searching while a document is replaced again and again sees one version at a time", async () => {
    await writer.replaceDocument(namespace, "busy", chunksOf("busy", "v0", 4));
    let writing = true;
    const writes = (async () => {
      try {
        for (let round = 1; round <= 16; round++)
          await writer.replaceDocument(
            namespace,
            "busy",
            chunksOf("busy", `v${round}`, round % 2 === 0 ? 4 : 2),
          );
      } finally {
        writing = false;
      }
    })();
    let reads = 0;
    while (writing) {
      const seen = await versionsSeen("busy");
      reads++;
      assert.equal(
        seen.versions.size,
        1,
        `read ${reads} saw versions ${[...seen.versions].join(", ")}`,
      );
      assert.equal(
        seen.chunks,
        Number([...seen.versions][0]!.slice(1)) % 2 === 0 ? 4 : 2,
        `read ${reads}: a whole version`,
      );
    }
    await writes;
    assert.ok(reads > 0, "no search ran while the document was replaced");
    assert.deepEqual(await versionsSeen("busy"), { versions: new Set(["v16"]), chunks: 4 });
    assert.equal(await storedObjects("busy"), 4);
    console.log(`${reads} searches during 16 replaces, each saw exactly one whole version`);
  });
});

describe("WeaviateVectorStore on collections an older release created", () => {
  it("adds the properties the chunk collection lacks and creates the head collection", async () => {
    const client = await rawClient();
    const store = new WeaviateVectorStore(options("OlderChunk"));
    try {
      // As the first release created it: no version, chunk_id, written_at or terms, no heads.
      await client.collections.create({
        name: "OlderChunk",
        properties: ["content", "title", "document_id", "namespace", "source", "type"]
          .map((name) => ({ name, dataType: "text" as const }))
          .concat([{ name: "metadata_json", dataType: "text" as const }]),
      });
      await store.ready();
      const { properties } = await client.collections.get("OlderChunk").config.get();
      assert.deepEqual(
        new Set(properties.map((p) => p.name)),
        new Set([
          ...["content", "title", "document_id", "namespace", "source", "type", "metadata_json"],
          ...["chunk_index", "chunk_id", "version", "written_at", "terms"],
        ]),
      );
      assert.equal(await client.collections.exists("OlderChunkHead"), true);
    } finally {
      await store.close();
      await client.close();
    }
  });
});

describe("WeaviateVectorStore on a Weaviate that requires an API key", () => {
  const apiKey = "contract-test-key";
  let secured: WeaviateServer;
  before(async () => {
    secured = await startWeaviate({ apiKey });
  });
  after(() => secured?.cleanup());
  const securedOptions = (extra: Partial<WeaviateOptions>): WeaviateOptions => ({
    httpUrl: secured.httpUrl,
    grpcUrl: `http://${secured.grpcHost}:${secured.grpcPort}`,
    collection: "SecuredChunk",
    timeoutSeconds: 5,
    ...extra,
  });

  it("is ready and serves with the key, and is not ready without it", async () => {
    const store = new WeaviateVectorStore(securedOptions({ apiKey }));
    const anonymous = new WeaviateVectorStore(securedOptions({}));
    try {
      await store.ready();
      const query = {
        namespace: "secured",
        mode: "keyword" as const,
        text: "x",
        topK: 1,
        alpha: 0.5,
      };
      assert.deepEqual(await store.search(query), []);
      await assert.rejects(anonymous.ready());
    } finally {
      await store.close();
      await anonymous.close();
    }
  });
});
