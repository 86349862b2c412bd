import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import weaviate, { type WeaviateClient } from "weaviate-client";
import { startWeaviate, type WeaviateServer } from "./servers.ts";

// The product's client (weaviate-client 3.x) talks REST for schema and gRPC for data and queries:
// this proves both against the real server, with vectors we supply ourselves (no vectorizer module).
let server: WeaviateServer;
let client: WeaviateClient;

// A type alias, not an interface: the client's Properties constraint needs an index signature.
type Chunk = {
  text: string;
  documentId: string;
};

const chunks: { properties: Chunk; vectors: number[] }[] = [
  {
    properties: { text: "knative scales functions to zero", documentId: "d1" },
    vectors: [1, 0, 0, 0],
  },
  {
    properties: { text: "kafka keeps an ordered log of events", documentId: "d2" },
    vectors: [0, 1, 0, 0],
  },
  {
    properties: { text: "weaviate answers vector and keyword queries", documentId: "d3" },
    vectors: [0, 0, 1, 0],
  },
];

before(async () => {
  server = await startWeaviate();
  client = await connect(server);
});
after(async () => {
  await client?.close();
  await server?.cleanup();
});

function connect(s: WeaviateServer): Promise<WeaviateClient> {
  return weaviate.connectToCustom({
    httpHost: s.httpHost,
    httpPort: s.httpPort,
    grpcHost: s.grpcHost,
    grpcPort: s.grpcPort,
  });
}

test("the client sees a ready server of the pinned version", async () => {
  assert.equal(await client.isReady(), true);
  assert.equal((await client.getMeta()).version, server.version);
});

test("a collection without vectorizer takes objects with our vectors", async () => {
  await client.collections.create<Chunk>({
    name: "Chunk",
    properties: [
      { name: "text", dataType: "text" },
      { name: "documentId", dataType: "text", tokenization: "field" },
    ],
    vectorizers: weaviate.configure.vectors.selfProvided(),
  });
  const result = await client.collections.get<Chunk>("Chunk").data.insertMany(chunks);
  assert.equal(result.hasErrors, false, JSON.stringify(result.errors));
  assert.equal(Object.keys(result.uuids).length, 3);
});

test("nearVector finds the closest vector", async () => {
  const res = await client.collections
    .get<Chunk>("Chunk")
    .query.nearVector([0, 0.9, 0.1, 0], { limit: 1 });
  assert.equal(res.objects[0]?.properties.documentId, "d2");
});

test("bm25 finds by keyword", async () => {
  const res = await client.collections.get<Chunk>("Chunk").query.bm25("ordered log", { limit: 3 });
  assert.equal(res.objects[0]?.properties.documentId, "d2");
});

test("hybrid combines keyword and our query vector", async () => {
  const res = await client.collections.get<Chunk>("Chunk").query.hybrid("scales to zero", {
    vector: [1, 0, 0, 0],
    alpha: 0.5,
    limit: 2,
  });
  assert.equal(res.objects[0]?.properties.documentId, "d1");
});

test("stop() then start() keeps the ports and the data", async () => {
  await client.close();
  await server.stop();
  await server.start();
  client = await connect(server);
  const res = await client.collections.get<Chunk>("Chunk").query.fetchObjects({ limit: 10 });
  assert.equal(res.objects.length, 3);
});
