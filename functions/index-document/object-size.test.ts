import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tempDir } from "../../test/support/temp-dir.ts";
import { silentLogger } from "../../test/support/silent-logger.ts";
import { HashingEmbedder } from "../shared/backends/embedder/hashing.ts";
import { FileIndexState } from "../shared/backends/index-state/file.ts";
import { FilesystemObjectStore } from "../shared/backends/object-store/filesystem.ts";
import { EmbeddedVectorStore } from "../shared/backends/vector-store/embedded.ts";
import { documentKey, sha256Hex, type StoredDocument } from "../shared/domain/document.ts";
import { createIndexDocumentApp } from "./app.ts";
import { inProcessEmbedClient } from "../../test/support/in-process-embed-client.ts";
import { problemOf } from "../../test/support/response-bodies.ts";

describe("index-document app", async () => {
  const dataDir = await tempDir("index-document");
  const objectStore = new FilesystemObjectStore(dataDir, "documents");
  const embedder = new HashingEmbedder(32);
  const app = createIndexDocumentApp({
    objectStore,
    vectorStore: new EmbeddedVectorStore(dataDir),
    indexState: new FileIndexState(dataDir),
    embedClient: inProcessEmbedClient(embedder),
    logger: silentLogger,
    chunking: { size: 800, overlap: 100 },
    embedBatchSize: 16,
    maxDocumentBytes: 100_000,
    maxObjectBytes: 4096,
  });
  const deliver = async (documentId: string, text: string) => {
    const document: StoredDocument = {
      document_id: documentId,
      namespace: "default",
      version: 1,
      text,
      metadata: {},
      sha256: sha256Hex(text),
      size: text.length,
      created_at: new Date().toISOString(),
    };
    const key = documentKey("default", documentId, 1);
    await objectStore.put(key, JSON.stringify(document));
    return app.request("/", {
      method: "POST",
      headers: {
        "ce-specversion": "1.0",
        "ce-id": `event-${documentId}`,
        "ce-source": "knative-rag/ingest",
        "ce-type": "rag.document.stored",
        "content-type": "application/json",
      },
      body: JSON.stringify({
        document_id: documentId,
        namespace: "default",
        version: 1,
        bucket: "documents",
        key,
        sha256: document.sha256,
        size: document.size,
        metadata: {},
      }),
    });
  };

  it("indexes a stored object within the size limit", async () => {
    assert.equal((await deliver("small", "A small document.")).status, 200);
  });

  it("refuses a stored object over the size limit for good (422, no retry) instead of reading it whole", async () => {
    const response = await deliver("huge", "A document far larger than the limit. ".repeat(200));
    assert.equal(response.status, 422);
    const body = await problemOf(response);
    assert.equal(body.retryable, false);
    assert.match(body.error, /larger than the 4096-byte limit/);
  });
});
