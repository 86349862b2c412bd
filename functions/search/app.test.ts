import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { testClient } from "hono/testing";
import { tempDir } from "../../test/support/temp-dir.ts";
import { silentLogger } from "../../test/support/silent-logger.ts";
import { ExtractiveAnswerer } from "../shared/backends/answerer/extractive.ts";
import { MemoryCache } from "../shared/backends/cache/memory.ts";
import { HashingEmbedder } from "../shared/backends/embedder/hashing.ts";
import { FileIndexState } from "../shared/backends/index-state/file.ts";
import { EmbeddedVectorStore } from "../shared/backends/vector-store/embedded.ts";
import { chunkId } from "../shared/domain/ids.ts";
import { createSearchApp, type SearchRequest } from "./app.ts";
import { inProcessEmbedClient } from "../../test/support/in-process-embed-client.ts";
import { problemOf } from "../../test/support/response-bodies.ts";

describe("search app", async () => {
  const dataDir = await tempDir("search");
  const vectorStore = new EmbeddedVectorStore(dataDir);
  const indexState = new FileIndexState(dataDir);
  const embedder = new HashingEmbedder(128);
  let embedCalls = 0;
  const app = createSearchApp({
    vectorStore,
    indexState,
    cache: new MemoryCache({ maxEntries: 100, maxBytes: 1024 * 1024 }),
    answerer: new ExtractiveAnswerer(),
    embedClient: inProcessEmbedClient(embedder, () => embedCalls++),
    logger: silentLogger,
    cacheTtlSeconds: 60,
    maxQueryChars: 100,
  });
  const index = async (documentId: string, content: string, namespace = "default") => {
    await vectorStore.replaceDocument(namespace, documentId, [
      {
        id: chunkId(namespace, documentId, 0),
        document_id: documentId,
        namespace,
        chunk_index: 0,
        content,
        metadata: { title: documentId },
        vector: embedder.embedOne(content),
      },
    ]);
    await indexState.bumpGeneration(namespace);
  };
  const client = testClient(app);
  const search = async (json: SearchRequest) => {
    const response = await client.search.$post({ json });
    assert.equal(response.status, 200, await response.clone().text());
    return response.json();
  };

  // What every test may read; a test that changes an index uses a namespace of its own.
  before(async () => {
    await index("scaling", "Knative scales a revision to zero when there is no traffic.");
    await index("bananas", "Bananas are yellow.");
  });

  it("answers from the best source with a citation", async () => {
    const body = await search({ query: "does knative scale to zero?" });
    assert.equal(body.sources[0]!.document_id, "scaling");
    assert.match(body.answer, /^Extractive answer.*\[1\]/);
    assert.equal(body.metadata.cache_hit, false);
    assert.equal(body.metadata.mode, "hybrid");
  });

  it("serves a repeated query from the cache until the namespace's index changes", async () => {
    await index("scaling", "Knative scales a revision to zero when there is no traffic.", "cached");
    const query = { query: "does knative scale to zero?", namespace: "cached" };
    const ask = () => search(query);
    assert.equal((await ask()).metadata.cache_hit, false);
    const first = embedCalls;
    assert.equal((await ask()).metadata.cache_hit, true);
    assert.equal(embedCalls, first, "a cache hit must not embed the query");
    await index("scaling-2", "Knative scale to zero needs the activator.", "cached");
    const fresh = await ask();
    assert.equal(fresh.metadata.cache_hit, false);
    assert.equal(fresh.sources.length, 2);
  });

  it("accepts bm25 as an alias of keyword and skips embedding for it", async () => {
    const before = embedCalls;
    const body = await search({ query: "bananas", mode: "bm25" });
    assert.equal(body.metadata.mode, "keyword");
    assert.equal(body.sources[0]!.document_id, "bananas");
    assert.equal(embedCalls, before);
  });

  it("rejects bad requests with 400 naming the field", async () => {
    for (const [body, field] of [
      [{ query: "" }, "query"],
      [{ query: "x".repeat(101) }, "query"],
      [{ query: "q", top_k: 51 }, "top_k"],
      [{ query: "q", alpha: 2 }, "alpha"],
      [{ query: "q", mode: "fuzzy" }, "mode"],
      [{ query: "q", namespace: "Bad Name" }, "namespace"],
    ] as const) {
      const response = await app.request("/search", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 400, JSON.stringify(body));
      const problem = await problemOf(response);
      assert.equal(problem.issues?.[0]?.path, field);
      assert.match(problem.error, new RegExp(field));
    }
    const notJson = await app.request("/search", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    assert.equal(notJson.status, 400);
  });

  it("lists namespaces with their document counts", async () => {
    const body = await (await client.namespaces.$get()).json();
    assert.deepEqual(
      body.namespaces.find((n) => n.namespace === "default"),
      { namespace: "default", documents: 2, chunks: 2 },
    );
  });
});
