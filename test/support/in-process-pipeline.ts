import { testClient } from "hono/testing";
import { HashingEmbedder } from "../../functions/shared/backends/embedder/hashing.ts";
import { FileIndexState } from "../../functions/shared/backends/index-state/file.ts";
import { EmbeddedVectorStore } from "../../functions/shared/backends/vector-store/embedded.ts";
import { createIndexDocumentApp } from "../../functions/index-document/app.ts";
import type { IngestAccepted } from "../../functions/ingest/app.ts";
import { documentStoredSchema } from "../../functions/shared/domain/document.ts";
import type { ReceivedRequest } from "./event-sink.ts";
import { ingestToSink } from "./ingest-to-sink.ts";
import { silentLogger } from "./silent-logger.ts";
import { inProcessEmbedClient } from "./in-process-embed-client.ts";

/**
 * ingest and index-document as in-process apps over one temporary DATA_DIR, with the real spool
 * delivering to a real HTTP sink that only records: the test decides when (and in which order,
 * how often) each recorded event reaches index-document, as a redelivering broker would.
 */
export async function inProcessPipeline(name: string) {
  const {
    dataDir,
    sink,
    objectStore,
    publisher,
    app: ingestApp,
    maxDocumentBytes,
  } = await ingestToSink(name, { pollMs: 50 });
  const vectorStore = new EmbeddedVectorStore(dataDir);
  const indexState = new FileIndexState(dataDir);
  const embedder = new HashingEmbedder(64);
  const indexApp = createIndexDocumentApp({
    objectStore,
    vectorStore,
    indexState,
    embedClient: inProcessEmbedClient(embedder),
    logger: silentLogger,
    chunking: { size: 800, overlap: 100 },
    embedBatchSize: 64,
    maxDocumentBytes,
    maxObjectBytes: 6 * maxDocumentBytes + 1024 * 1024,
  });

  return {
    dataDir,
    objectStore,
    publisher,
    sink,
    async ingest(body: Record<string, unknown>): Promise<IngestAccepted> {
      const response = await testClient(ingestApp).ingest.$post({ json: body });
      if (response.status !== 202)
        throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    /** Posts a recorded event (or a variation of it) to index-document. */
    async deliver(
      request: ReceivedRequest,
      data?: (data: Record<string, unknown>) => Record<string, unknown>,
    ) {
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          ([name]) => name.startsWith("ce-") || name === "content-type",
        ),
      ) as Record<string, string>;
      const body = data
        ? JSON.stringify(data(JSON.parse(request.body) as Record<string, unknown>))
        : request.body;
      const response = await indexApp.request("/", { method: "POST", headers, body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    /** The recorded event of a document version. */
    eventOf(accepted: IngestAccepted): ReceivedRequest {
      const found = sink.received.find((r) => {
        const data = documentStoredSchema.parse(JSON.parse(r.body));
        return data.document_id === accepted.document_id && data.version === accepted.version;
      });
      if (!found) throw new Error(`no event of ${accepted.document_id} v${accepted.version} yet`);
      return found;
    },
    /** What search can find in the namespace: chunk contents by document id (every text has `marker`). */
    async served(namespace: string): Promise<Map<string, string[]>> {
      const hits = await vectorStore.search({
        namespace,
        mode: "keyword",
        text: "marker",
        topK: 1000,
        alpha: 0,
      });
      const byId = new Map<string, string[]>();
      for (const hit of hits)
        byId.set(hit.document_id, [...(byId.get(hit.document_id) ?? []), hit.content]);
      return byId;
    },
    close: () => publisher.close(),
  };
}
