import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { serveApp } from "../../test/support/serve-app.ts";
import { silentLogger } from "../../test/support/silent-logger.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { MemoryCache } from "../shared/backends/cache/memory.ts";
import { HashingEmbedder } from "../shared/backends/embedder/hashing.ts";
import { FileIndexState } from "../shared/backends/index-state/file.ts";
import { FilesystemObjectStore } from "../shared/backends/object-store/filesystem.ts";
import type { ObjectStore } from "../shared/backends/object-store/object-store.ts";
import { EmbeddedVectorStore } from "../shared/backends/vector-store/embedded.ts";
import { documentKey, sha256Hex } from "../shared/domain/document.ts";
import { EmbedClient } from "../shared/embed-client.ts";
import { createEmbedApp } from "../embed/app.ts";
import { createIndexDocumentApp } from "./app.ts";
import { problemOf } from "../../test/support/response-bodies.ts";

// Knative retries 5xx, 404, 408, 409 and 429: an event that can never succeed must get another 4xx.
describe("index-document answers permanent failures as permanent", async () => {
  const dataDir = await tempDir("index-document");
  const embed = createEmbedApp({
    embedder: new HashingEmbedder(64),
    cache: new MemoryCache({ maxEntries: 100, maxBytes: 1024 * 1024 }),
    logger: silentLogger,
    cacheTtlSeconds: 60,
    maxInputs: 64,
    maxInputChars: 10_000,
    maxRequestChars: 100_000,
  });
  const embedUrl = await serveApp(embed);
  const objectStore: ObjectStore = new FilesystemObjectStore(dataDir, "documents");
  const appWith = (embedUrl: string) =>
    createIndexDocumentApp({
      objectStore,
      vectorStore: new EmbeddedVectorStore(dataDir),
      indexState: new FileIndexState(dataDir),
      embedClient: new EmbedClient(embedUrl, 2_000),
      logger: silentLogger,
      chunking: { size: 200, overlap: 20 },
      embedBatchSize: 8,
      maxDocumentBytes: 100_000,
      maxObjectBytes: 1024 * 1024,
    });
  const app = appWith(embedUrl);

  const deliver = (target: ReturnType<typeof appWith>, data: Record<string, unknown>) =>
    target.request("/", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "ce-specversion": "1.0",
        "ce-id": `e-${Math.random()}`,
        "ce-source": "test",
        "ce-type": "rag.document.stored",
      },
      body: JSON.stringify({
        document_id: "doc",
        namespace: "default",
        version: 1,
        bucket: "documents",
        sha256: "a".repeat(64),
        size: 1,
        metadata: {},
        ...data,
      }),
    });
  const storeDocument = async (key: string, text: string, version = 1) => {
    const document = {
      document_id: "doc",
      namespace: "default",
      version,
      text,
      metadata: {},
      sha256: sha256Hex(text),
      size: text.length,
      created_at: new Date().toISOString(),
    };
    await objectStore.put(key, JSON.stringify(document), "application/json");
    return document;
  };

  const badKeys: Record<string, string> = {
    "a key that escapes the bucket": "../../../../etc/passwd",
    "an absolute key": "/etc/passwd",
    "a directory key": "default/",
    "a key naming an existing directory": "default",
    "a key with NUL": "default/doc\u0000.json",
    "a key with a 300-byte name": `default/${"a".repeat(300)}.json`,
    "a key over 1024 bytes": `default/${"a/".repeat(600)}doc.json`,
  };
  for (const [what, key] of Object.entries(badKeys)) {
    it(`answers 400 or 422 with a reason for ${what}`, async () => {
      await storeDocument("default/doc.json", "makes default/ a directory");
      const response = await deliver(app, { key });
      assert.ok(
        [400, 422].includes(response.status),
        `${what}: ${response.status} ${await response.clone().text()}`,
      );
      const body = await problemOf(response);
      assert.match(body.error, /key/);
    });
  }

  it("answers 422 for an object that is not a stored document", async () => {
    const key = documentKey("default", "doc", 2);
    await objectStore.put(key, '{"document_id": "doc", "namespace": "def', "application/json");
    const response = await deliver(app, { key, version: 2 });
    assert.equal(response.status, 422, await response.clone().text());
    const problem = await problemOf(response);
    assert.ok(problem.error.includes(key));
  });

  it("answers 422 for an object whose document has no text", async () => {
    const key = documentKey("default", "doc", 3);
    await objectStore.put(
      key,
      JSON.stringify({
        document_id: "doc",
        namespace: "default",
        version: 3,
        text: 42,
        metadata: {},
      }),
      "application/json",
    );
    const response = await deliver(app, { key, version: 3 });
    assert.equal(response.status, 422, await response.clone().text());
  });

  it("answers 503 when embed is down, and indexes the same event once it is back", async () => {
    const text = "The embed function is back and this document is indexed.";
    const key = documentKey("default", "doc", 4);
    const stored = await storeDocument(key, text, 4);
    const down = appWith("http://127.0.0.1:9");
    const failed = await deliver(down, {
      key,
      version: 4,
      sha256: stored.sha256,
      size: stored.size,
    });
    assert.equal(failed.status, 503, await failed.clone().text());
    const retried = await deliver(app, {
      key,
      version: 4,
      sha256: stored.sha256,
      size: stored.size,
    });
    assert.equal(retried.status, 200, await retried.clone().text());
  });
});
