import type { Hono } from "hono";
import type { IndexState } from "../shared/backends/index-state/index.ts";
import type { ObjectStore } from "../shared/backends/object-store/index.ts";
import type { VectorStore } from "../shared/backends/vector-store/index.ts";
import { asDependencyError } from "../shared/backends/dependency-error.ts";
import type { EmbeddedChunk } from "../shared/domain/chunk.ts";
import { documentStoredSchema, EVENT_TYPE, type DocumentStored, type StoredDocument } from "../shared/domain/document.ts";
import { chunkId } from "../shared/domain/ids.ts";
import type { EmbedClient } from "../shared/embed-client.ts";
import { eventData, receiveCloudEvent } from "../shared/runtime/cloudevents.ts";
import { createFunctionApp } from "../shared/runtime/function-app.ts";
import type { Logger } from "../shared/runtime/logger.ts";
import { HttpProblem, parseWith } from "../shared/runtime/problems.ts";
import { consumerSpanOptions, type ConsumedFrom } from "../shared/telemetry/consumer-span.ts";
import { recordChunksIndexed, recordIndexingLag } from "../shared/telemetry/pipeline-metrics.ts";
import { SpanKind, withSpan } from "../shared/telemetry/spans.ts";
import { chunkText, type ChunkingOptions } from "./chunker.ts";

export interface IndexDocumentDependencies {
  objectStore: ObjectStore;
  vectorStore: VectorStore;
  indexState: IndexState;
  embedClient: Pick<EmbedClient, "embed">;
  logger: Logger;
  chunking: ChunkingOptions;
  embedBatchSize: number;
  /** Larger stored objects are refused (422) before they are read whole. */
  maxObjectBytes: number;
  isAcceptingTraffic?: () => boolean;
  /** For the consumer span; default: HTTP deliveries to this request's URL. */
  consumedFrom?: ConsumedFrom;
}

export type IndexOutcome =
  | { status: "indexed"; document_id: string; namespace: string; chunks: number }
  | { status: "skipped"; reason: "duplicate"; document_id: string; namespace: string; indexed_as: string };

/**
 * index-document: the KafkaSource sink. 2xx only once the chunks are stored; 400 for an event
 * that can never succeed (no retry); 503 when a dependency fails (the delivery retries).
 */
export function createIndexDocumentApp(deps: IndexDocumentDependencies): Hono {
  const app = createFunctionApp({
    logger: deps.logger,
    maxBodyBytes: 256 * 1024,
    readinessChecks: {
      objectStore: () => deps.objectStore.ready(),
      vectorStore: () => deps.vectorStore.ready(),
      indexState: () => deps.indexState.ready(),
    },
    isAcceptingTraffic: deps.isAcceptingTraffic,
  });

  app.post("/", async (c) => {
    const event = await receiveCloudEvent(c);
    if (event.type !== EVENT_TYPE.documentStored) {
      throw new HttpProblem(400, `unsupported CloudEvent type "${event.type}"; expected "${EVENT_TYPE.documentStored}"`);
    }
    const stored = parseWith(documentStoredSchema, eventData(event), "CloudEvent data");
    const consumedFrom = deps.consumedFrom ?? { system: "http", destination: c.req.url };
    const outcome = await withSpan("indexer.process_document", consumerSpanOptions(event, consumedFrom), () =>
      withSpan(
        "document.pipeline",
        { attributes: { "document.id": stored.document_id, "document.namespace": stored.namespace } },
        () => indexDocument(stored),
      ),
    );
    if (outcome.status === "indexed") recordIndexingLag(event.time);
    return c.json(outcome, 200);
  });

  async function indexDocument(stored: DocumentStored): Promise<IndexOutcome> {
    const { namespace, document_id } = stored;
    const indexedAs = await withSpan("document.duplicate_check", { attributes: { "document.sha256": stored.sha256 } }, async (span) => {
      const found = await asDependencyError("index-state", () => deps.indexState.indexedDocument(namespace, stored.sha256));
      span.setAttribute("document.duplicate", found !== undefined);
      return found;
    });
    if (indexedAs !== undefined) {
      deps.logger.info({ document_id, namespace, indexed_as: indexedAs }, "duplicate content, skipped");
      return { status: "skipped", reason: "duplicate", document_id, namespace, indexed_as: indexedAs };
    }

    const document = await withSpan(
      "storage.download",
      { kind: SpanKind.CLIENT, attributes: { "storage.bucket": stored.bucket, "storage.key": stored.key } },
      () => download(stored),
    );
    const texts = await withSpan("document.chunk", {}, async (span) => {
      const result = await chunkText(document.text, deps.chunking);
      span.setAttributes({ "document.chunk_count": result.length, "document.size": document.size });
      return result;
    });
    const vectors = await embedInBatches(texts);
    const chunks: EmbeddedChunk[] = texts.map((content, chunk_index) => ({
      id: chunkId(namespace, document_id, chunk_index),
      document_id,
      namespace,
      chunk_index,
      content,
      metadata: document.metadata,
      vector: vectors[chunk_index]!,
    }));
    await withSpan(
      "db.insert",
      {
        kind: SpanKind.CLIENT,
        attributes: { "db.system": deps.vectorStore.system, "db.operation.name": "upsert", "db.operation.batch.size": chunks.length },
      },
      () => asDependencyError("vector-store", () => deps.vectorStore.replaceDocument(namespace, document_id, chunks)),
    );
    recordChunksIndexed(chunks.length);
    await asDependencyError("index-state", async () => {
      await deps.indexState.markIndexed(namespace, stored.sha256, document_id);
      await deps.indexState.bumpGeneration(namespace);
    });
    deps.logger.info({ document_id, namespace, chunks: chunks.length }, "document indexed");
    return { status: "indexed", document_id, namespace, chunks: chunks.length };
  }

  async function download(stored: DocumentStored): Promise<StoredDocument> {
    const bytes = await asDependencyError("object-store", () => deps.objectStore.get(stored.key, { maxBytes: deps.maxObjectBytes }));
    if (bytes === undefined) {
      // ingest stores before it publishes, so a missing object is a bad event, not a race.
      throw new HttpProblem(422, `document object ${stored.bucket}/${stored.key} does not exist`);
    }
    const document = parseStoredDocument(bytes);
    if (document === undefined) throw new HttpProblem(422, `object ${stored.bucket}/${stored.key} is not a stored document`);
    if (document.document_id !== stored.document_id || document.namespace !== stored.namespace) {
      throw new HttpProblem(422, `object ${stored.key} holds document ${document.namespace}/${document.document_id}, not the event's`);
    }
    return document;
  }

  async function embedInBatches(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += deps.embedBatchSize) {
      const batch = texts.slice(start, start + deps.embedBatchSize);
      const response = await withSpan(
        "embedding.generate",
        { kind: SpanKind.CLIENT, attributes: { "embedding.batch_size": batch.length } },
        () => deps.embedClient.embed(batch),
      );
      if (response.embeddings.length !== batch.length) {
        throw new HttpProblem(502, `embed returned ${response.embeddings.length} vectors for ${batch.length} texts`);
      }
      vectors.push(...response.embeddings);
    }
    return vectors;
  }

  return app;
}

/** The object as ingest wrote it, or undefined when it is not one (truncated, foreign, corrupt). */
function parseStoredDocument(bytes: Uint8Array): StoredDocument | undefined {
  try {
    const document = JSON.parse(Buffer.from(bytes).toString("utf8")) as Partial<StoredDocument> | null;
    const wellFormed =
      typeof document?.text === "string" &&
      typeof document.document_id === "string" &&
      typeof document.namespace === "string" &&
      typeof document.metadata === "object" &&
      document.metadata !== null;
    return wellFormed ? (document as StoredDocument) : undefined;
  } catch {
    return undefined;
  }
}
