import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { serve } from "@hono/node-server";
import { testClient } from "hono/testing";
import { createEmbedApp } from "../../functions/embed/app.ts";
import { createIndexDocumentApp } from "../../functions/index-document/app.ts";
import { createSearchApp } from "../../functions/search/app.ts";
import { OpenAiAnswerer } from "../../functions/shared/backends/answerer/openai.ts";
import { MemoryCache } from "../../functions/shared/backends/cache/memory.ts";
import {
  DependencyError,
  DependencyRejected,
} from "../../functions/shared/runtime/dependency-error.ts";
import { HashingEmbedder } from "../../functions/shared/backends/embedder/hashing.ts";
import { OpenAiEmbedder } from "../../functions/shared/backends/embedder/openai.ts";
import { FileIndexState } from "../../functions/shared/backends/index-state/file.ts";
import { FilesystemObjectStore } from "../../functions/shared/backends/object-store/filesystem.ts";
import { openAiClientFromConfig } from "../../functions/shared/backends/openai/client.ts";
import { EmbeddedVectorStore } from "../../functions/shared/backends/vector-store/embedded.ts";
import {
  documentKey,
  sha256Hex,
  type StoredDocument,
} from "../../functions/shared/domain/document.ts";
import { chunkId } from "../../functions/shared/domain/ids.ts";
import { EmbedClient } from "../../functions/shared/embed-client.ts";
import { startOpenAiCompatibleServer } from "../stack/openai-compatible-server.ts";
import { problemOf } from "../support/response-bodies.ts";
import { silentLogger } from "../support/silent-logger.ts";
import { tempDir } from "../support/temp-dir.ts";

// The OpenAI adapters behind the real functions, against a server speaking OpenAI's wire protocol:
// how many OpenAI calls one operation may cost, and which status a rejection becomes on the way up.
const MAX_RETRIES = 1;
const MAX_TOKENS = 200;
const DIMENSIONS = 64;

const openAi = await startOpenAiCompatibleServer({ dimensions: DIMENSIONS });
const client = openAiClientFromConfig(
  {
    OPENAI_BASE_URL: openAi.baseUrl,
    OPENAI_API_KEY: openAi.apiKey,
    OPENAI_TIMEOUT_MS: 5000,
    OPENAI_MAX_RETRIES: MAX_RETRIES,
  },
  "test",
);
const embedApp = createEmbedApp({
  embedder: new OpenAiEmbedder(client, "text-embedding-3-small", DIMENSIONS, true),
  cache: new MemoryCache({ maxEntries: 100, maxBytes: 1024 * 1024 }),
  logger: silentLogger,
  cacheTtlSeconds: 60,
  maxInputs: 100,
  maxInputChars: 10_000,
  maxRequestChars: 100_000,
});
const embedServer = serve({ fetch: embedApp.fetch, hostname: "127.0.0.1", port: 0 });
await new Promise((resolve) => embedServer.once("listening", resolve));
const embedUrl = `http://127.0.0.1:${(embedServer.address() as AddressInfo).port}`;
const embedClient = new EmbedClient(embedUrl, 5000);
after(async () => {
  embedServer.close();
  await openAi.stop();
});

const dataDir = await tempDir("openai-upstream");
const vectorStore = new EmbeddedVectorStore(dataDir);
const indexState = new FileIndexState(dataDir);
const objectStore = new FilesystemObjectStore(dataDir, "documents");
const searchApp = createSearchApp({
  vectorStore,
  indexState,
  cache: new MemoryCache({ maxEntries: 100, maxBytes: 1024 * 1024 }),
  answerer: new OpenAiAnswerer(client, "gpt-4o-mini", MAX_TOKENS),
  embedClient,
  logger: silentLogger,
  cacheTtlSeconds: 1,
  maxQueryChars: 1000,
});
const indexApp = createIndexDocumentApp({
  objectStore,
  vectorStore,
  indexState,
  embedClient,
  logger: silentLogger,
  chunking: { size: 800, overlap: 100 },
  embedBatchSize: 16,
  maxDocumentBytes: 100_000,
  maxObjectBytes: 1024 * 1024,
});

const openAiCallsDuring = async (operation: () => Promise<unknown>) => {
  const before = openAi.requests.length;
  await operation();
  return openAi.requests.slice(before);
};
let queries = 0;
const search = () =>
  testClient(searchApp).search.$post({
    json: { query: `How do Kafka topics scale? (${++queries})`, namespace: "upstream" },
  });
let events = 0;
const indexDocument = async (text: string) => {
  const documentId = `doc-${++events}`;
  const document: StoredDocument = {
    document_id: documentId,
    namespace: "upstream",
    version: 1,
    text,
    metadata: {},
    sha256: sha256Hex(text),
    size: text.length,
    created_at: new Date().toISOString(),
  };
  const key = documentKey("upstream", documentId, 1);
  await objectStore.put(key, JSON.stringify(document));
  const response = await indexApp.request("/", {
    method: "POST",
    headers: {
      "ce-specversion": "1.0",
      "ce-id": `event-${events}`,
      "ce-source": "knative-rag/ingest",
      "ce-type": "rag.document.stored",
      "content-type": "application/json",
    },
    body: JSON.stringify({
      document_id: documentId,
      namespace: "upstream",
      version: 1,
      bucket: "documents",
      key,
      sha256: document.sha256,
      size: document.size,
      metadata: {},
    }),
  });
  return response;
};

describe("OpenAI behind the functions", () => {
  it("a lasting 5xx costs one retry budget (1 + OPENAI_MAX_RETRIES calls) per embedding, not one per layer", async () => {
    openAi.failNext(100, { status: 503, retryAfterSeconds: 0 });
    const calls = await openAiCallsDuring(() =>
      assert.rejects(embedClient.embed(["a lasting outage"]), DependencyError),
    );
    openAi.failNext(0);
    assert.equal(calls.length, 1 + MAX_RETRIES, `OpenAI saw ${calls.length} calls`);
  });

  it("a 400 from OpenAI is answered 422 by embed, once, without Retry-After", async () => {
    openAi.failNext(1, { status: 400, path: "/v1/embeddings" });
    let response: Response | undefined;
    const calls = await openAiCallsDuring(async () => {
      response = await fetch(`${embedUrl}/embed`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: ["too long for the model"] }),
      });
    });
    assert.equal(response!.status, 422);
    assert.equal(response!.headers.get("retry-after"), null);
    assert.equal((await problemOf(response!)).retryable, false);
    assert.equal(calls.length, 1);
  });

  it("the embed client passes a permanent rejection on as permanent", async () => {
    openAi.failNext(1, { status: 400, path: "/v1/embeddings" });
    await assert.rejects(embedClient.embed(["rejected"]), DependencyRejected);
  });

  it("search answers 422 when OpenAI rejects the query's embedding, 503 when it is down", async () => {
    openAi.failNext(1, { status: 400, path: "/v1/embeddings" });
    const rejected = await search();
    assert.equal(rejected.status, 422);
    assert.equal((await problemOf(rejected)).retryable, false);
    openAi.failNext(100, { status: 500, retryAfterSeconds: 0, path: "/v1/embeddings" });
    const down = await search();
    openAi.failNext(0);
    assert.equal(down.status, 503);
  });

  it("search asks the chat model for at most LLM_MAX_TOKENS and answers 422 when it rejects the prompt", async () => {
    const vector = new HashingEmbedder(DIMENSIONS).embedOne("Kafka topics scale by partitions.");
    await vectorStore.replaceDocument("upstream", "kafka", [
      {
        id: chunkId("upstream", "kafka", 0),
        document_id: "kafka",
        namespace: "upstream",
        chunk_index: 0,
        content: "Kafka topics scale by partitions.",
        metadata: {},
        vector,
      },
    ]);
    await indexState.bumpGeneration("upstream");
    const calls = await openAiCallsDuring(async () => assert.equal((await search()).status, 200));
    const chat = calls.find((c) => c.path === "/v1/chat/completions");
    assert.equal((chat?.body as { max_tokens?: number } | undefined)?.max_tokens, MAX_TOKENS);

    openAi.failNext(1, { status: 400, path: "/v1/chat/completions" });
    const rejected = await search();
    assert.equal(rejected.status, 422);
  });

  it("index-document answers 422 (dead letter, no retry) for a permanent rejection and 503 for an outage", async () => {
    openAi.failNext(1, { status: 400, path: "/v1/embeddings" });
    const rejected = await indexDocument("A document the embedding model refuses.");
    assert.equal(rejected.status, 422);
    assert.equal((await problemOf(rejected)).retryable, false);
    openAi.failNext(100, { status: 503, retryAfterSeconds: 0, path: "/v1/embeddings" });
    const calls = await openAiCallsDuring(async () =>
      assert.equal((await indexDocument("A document while OpenAI is down.")).status, 503),
    );
    openAi.failNext(0);
    assert.equal(calls.length, 1 + MAX_RETRIES);
    assert.equal((await indexDocument("A document once OpenAI is back.")).status, 200);
  });
});
