import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { vectorStoreContract } from "../../../functions/shared/backends/vector-store/vector-store.contract.ts";
import { WeaviateVectorStore, type WeaviateOptions } from "../../../functions/shared/backends/vector-store/weaviate.ts";
import { startWeaviate, type WeaviateServer } from "../servers.ts";

const weaviate: WeaviateServer = await startWeaviate();
after(() => weaviate.cleanup());
const options = (collection: string): WeaviateOptions => ({
  httpUrl: weaviate.httpUrl,
  grpcUrl: `http://${weaviate.grpcHost}:${weaviate.grpcPort}`,
  collection,
  timeoutSeconds: 5,
});

vectorStoreContract("weaviate", async () => ({ writer: new WeaviateVectorStore(options("ContractChunk")), reader: new WeaviateVectorStore(options("ContractChunk")) }));

describe("WeaviateVectorStore when Weaviate goes away", () => {
  const store = new WeaviateVectorStore(options("OutageChunk"));
  const query = { namespace: "outage", mode: "keyword" as const, text: "anything", topK: 3, alpha: 0.5 };
  before(() => store.ready());
  after(() => store.close());

  it("fails fast while Weaviate is down and works again once it is back, with the same client", async () => {
    await weaviate.stop();
    const began = performance.now();
    await assert.rejects(store.ready());
    const readyFailedMs = performance.now() - began;
    await assert.rejects(store.search(query));
    const searchFailedMs = performance.now() - began - readyFailedMs;
    console.log(`weaviate down: ready() rejected in ${Math.round(readyFailedMs)} ms, search() in ${Math.round(searchFailedMs)} ms`);
    assert.ok(readyFailedMs < 2000 && searchFailedMs < 20_000);
    await weaviate.start();
    assert.deepEqual(await store.search(query), []);
  });
});
