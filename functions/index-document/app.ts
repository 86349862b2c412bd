import { compareVersions, type IndexState } from "../shared/backends/index-state/index.ts";
import type { ObjectStore } from "../shared/backends/object-store/index.ts";
import type { VectorStore } from "../shared/backends/vector-store/index.ts";
import { InstrumentedVectorStore } from "../shared/backends/vector-store/instrumented-vector-store.ts";
import { asDependencyError } from "../shared/runtime/dependency-error.ts";
import type { EmbeddedChunk } from "../shared/domain/chunk.ts";
import {
  documentKey,
  documentStoredSchema,
  EVENT_TYPE,
  MAX_STORED_EVENT_BYTES,
  sha256Hex,
  type DocumentStored,
  type StoredDocument,
} from "../shared/domain/document.ts";
import { chunkId } from "../shared/domain/ids.ts";
import type { EmbedClient } from "../shared/embed-client.ts";
import { eventData, receiveCloudEvent } from "../shared/runtime/cloudevents.ts";
import { createFunctionApp } from "../shared/runtime/function-app.ts";
import { KeyedLock } from "../shared/runtime/keyed-lock.ts";
import type { Logger } from "../shared/runtime/logger.ts";
import { HttpProblem, parseWith } from "../shared/runtime/problems.ts";
import { consumerSpanOptions, type ConsumedFrom } from "../shared/telemetry/consumer-span.ts";
import { recordChunksIndexed, recordIndexingLag } from "../shared/telemetry/pipeline-metrics.ts";
import { SpanKind, withSpan } from "../shared/telemetry/spans.ts";
import { chunkText, type ChunkingOptions } from "./chunker.ts";
import { bodyLimit } from "../shared/runtime/body-limit.ts";

export interface IndexDocumentDependencies {
  objectStore: ObjectStore;
  vectorStore: VectorStore;
  indexState: IndexState;
  embedClient: Pick<EmbedClient, "embed">;
  logger: Logger;
  chunking: ChunkingOptions;
  embedBatchSize: number;
  /** The same limit ingest applies (UTF-8 bytes of the text). */
  maxDocumentBytes: number;
  /** Larger stored objects are refused (422) before they are read whole. */
  maxObjectBytes: number;
  /** For the consumer span; default: HTTP deliveries to this request's URL. */
  consumedFrom?: ConsumedFrom;
}

export type IndexOutcome =
  | { status: "indexed"; document_id: string; namespace: string; version: number; chunks: number }
  | {
      status: "skipped";
      reason: "already-indexed" | "superseded";
      document_id: string;
      namespace: string;
      version: number;
      indexed_version: number;
    };

/**
 * index-document: the KafkaSource sink. 2xx only once the chunks are stored (or the event is a
 * redelivery or older than what is indexed); 422 for an event that can never succeed (no retry);
 * 503 when a dependency fails (the delivery retries). The unit of idempotency is the document
 * version: search serves the highest version of each document that reached index-document.
 */
export function createIndexDocumentApp(deps: IndexDocumentDependencies) {
  const app = createFunctionApp({
    logger: deps.logger,
    maxBodyBytes: MAX_STORED_EVENT_BYTES,
  });
  // One version of a document at a time in this process; across pods, the KafkaSource delivers
  // the events of one partition (= of one document) in order.
  const documentLock = new KeyedLock();
  const vectorStore = new InstrumentedVectorStore(deps.vectorStore);

  // Kept as the typed app (hono/client, testClient); the body is a CloudEvent, read by the route.
  const routes = app.post("/", bodyLimit(MAX_STORED_EVENT_BYTES), async (c) => {
    const event = await receiveCloudEvent(c);
    if (event.type !== EVENT_TYPE.documentStored) {
      throw new HttpProblem(
        400,
        `unsupported CloudEvent type "${event.type}"; expected "${EVENT_TYPE.documentStored}"`,
      );
    }
    const stored = parseWith(documentStoredSchema, eventData(event), "CloudEvent data");
    const consumedFrom = deps.consumedFrom ?? { system: "http", destination: c.req.url };
    const outcome = await withSpan(
      "indexer.process_document",
      consumerSpanOptions(event, consumedFrom),
      () =>
        withSpan(
          "document.pipeline",
          {
            attributes: {
              "document.id": stored.document_id,
              "document.namespace": stored.namespace,
              "document.version": stored.version,
            },
          },
          () =>
            documentLock.run(`${stored.namespace}/${stored.document_id}`, () =>
              indexDocument(stored),
            ),
        ),
    );
    if (outcome.status === "indexed") recordIndexingLag(event.time);
    return c.json(outcome, 200);
  });

  async function indexDocument(stored: DocumentStored): Promise<IndexOutcome> {
    const { namespace, document_id, version } = stored;
    checkClaim(stored);
    const indexed = await withSpan(
      "document.duplicate_check",
      { attributes: { "document.sha256": stored.sha256 } },
      async (span) => {
        const found = await asDependencyError("index-state", () =>
          deps.indexState.indexedVersion(namespace, document_id),
        );
        span.setAttribute(
          "document.duplicate",
          found !== undefined && compareVersions(found, stored) >= 0,
        );
        return found;
      },
    );
    if (indexed !== undefined && compareVersions(indexed, stored) >= 0) {
      const reason = compareVersions(indexed, stored) === 0 ? "already-indexed" : "superseded";
      deps.logger.info(
        { document_id, namespace, version, indexed_version: indexed.version },
        `document ${reason}, skipped`,
      );
      return {
        status: "skipped",
        reason,
        document_id,
        namespace,
        version,
        indexed_version: indexed.version,
      };
    }

    const document = await withSpan(
      "storage.download",
      {
        kind: SpanKind.CLIENT,
        attributes: { "storage.bucket": stored.bucket, "storage.key": stored.key },
      },
      () => download(stored),
    );
    const chunks = await writeChunks(stored, document);
    // Generation first: a crash between the two leaves the version unmarked (a redelivery redoes
    // it), never changed chunks behind an unchanged generation (stale cached answers).
    const kept = await asDependencyError("index-state", async () => {
      await deps.indexState.bumpGeneration(namespace);
      return deps.indexState.markIndexed(namespace, document_id, stored);
    });
    if (compareVersions(kept, stored) > 0) {
      // Another instance indexed a newer version while this one wrote: its chunks may have been
      // overwritten by ours, so put the newer version back (its object is under a known key).
      deps.logger.warn(
        { document_id, namespace, version, indexed_version: kept.version },
        "newer version indexed meanwhile, restoring it",
      );
      const newer = { ...stored, ...kept, key: documentKey(namespace, document_id, kept.version) };
      await writeChunks(newer, await download({ ...newer, size: undefined }));
      await asDependencyError("index-state", () => deps.indexState.bumpGeneration(namespace));
    }
    deps.logger.info({ document_id, namespace, version, chunks }, "document indexed");
    return { status: "indexed", document_id, namespace, version, chunks };
  }

  /** The claim check must point at the object ingest writes for this version: nothing else is read. */
  function checkClaim(stored: DocumentStored): void {
    const expectedKey = documentKey(stored.namespace, stored.document_id, stored.version);
    if (stored.bucket !== deps.objectStore.bucket || stored.key !== expectedKey) {
      throw new HttpProblem(
        422,
        `event key ${stored.bucket}/${stored.key} is not this document version's object (${deps.objectStore.bucket}/${expectedKey})`,
      );
    }
    if (stored.size > deps.maxDocumentBytes) {
      throw new HttpProblem(
        422,
        `the document is ${stored.size} bytes; the limit is ${deps.maxDocumentBytes}`,
      );
    }
  }

  async function writeChunks(stored: DocumentStored, document: StoredDocument): Promise<number> {
    const { namespace, document_id } = stored;
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
    await vectorStore.replaceDocument(namespace, document_id, chunks);
    recordChunksIndexed(chunks.length);
    return chunks.length;
  }

  /** The object of exactly this version, checked against the event: a mismatch is never indexed. */
  async function download(
    stored: Omit<DocumentStored, "size"> & { size: number | undefined },
  ): Promise<StoredDocument> {
    const bytes = await asDependencyError("object-store", () =>
      deps.objectStore.get(stored.key, { maxBytes: deps.maxObjectBytes }),
    );
    if (bytes === undefined) {
      // ingest stores before it publishes, so a missing object is a bad event, not a race.
      throw new HttpProblem(422, `document object ${stored.bucket}/${stored.key} does not exist`);
    }
    const document = parseStoredDocument(bytes);
    if (document === undefined)
      throw new HttpProblem(422, `object ${stored.bucket}/${stored.key} is not a stored document`);
    if (
      document.document_id !== stored.document_id ||
      document.namespace !== stored.namespace ||
      document.version !== stored.version
    ) {
      throw new HttpProblem(
        422,
        `object ${stored.key} holds another document or version than the event's`,
      );
    }
    if (
      sha256Hex(document.text) !== stored.sha256 ||
      (stored.size !== undefined && Buffer.byteLength(document.text, "utf8") !== stored.size)
    ) {
      throw new HttpProblem(422, `object ${stored.key} does not match the event's sha256 and size`);
    }
    return document;
  }

  async function embedInBatches(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += deps.embedBatchSize) {
      const batch = texts.slice(start, start + deps.embedBatchSize);
      const response = await deps.embedClient.embed(batch);
      if (response.embeddings.length !== batch.length) {
        throw new HttpProblem(
          502,
          `embed returned ${response.embeddings.length} vectors for ${batch.length} texts`,
        );
      }
      vectors.push(...response.embeddings);
    }
    return vectors;
  }

  return routes;
}

export type IndexDocumentApp = ReturnType<typeof createIndexDocumentApp>;

/** The object as ingest wrote it, or undefined when it is not one (truncated, foreign, corrupt). */
function parseStoredDocument(bytes: Uint8Array): StoredDocument | undefined {
  try {
    const document = JSON.parse(
      Buffer.from(bytes).toString("utf8"),
    ) as Partial<StoredDocument> | null;
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
