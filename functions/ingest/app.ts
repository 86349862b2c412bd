import { randomUUID } from "node:crypto";
import { CloudEvent } from "cloudevents";
import type { Context, Hono } from "hono";
import { z } from "zod";
import type { EventPublisher } from "../shared/backends/events/index.ts";
import type { ObjectStore } from "../shared/backends/object-store/index.ts";
import { asDependencyError } from "../shared/backends/dependency-error.ts";
import { accessControl, type AccessSettings } from "../shared/access/access-control.ts";
import { authorize } from "../shared/access/authenticate.ts";
import {
  DEFAULT_NAMESPACE,
  documentKey,
  documentSubmissionSchema,
  EVENT_SOURCE,
  EVENT_TYPE,
  maxStoredDocumentBytes,
  metadataSchema,
  namespaceSchema,
  sha256Hex,
  type DocumentStored,
  type DocumentSubmission,
  type StoredDocument,
} from "../shared/domain/document.ts";
import { documentIdFromIdempotencyKey, uuidV5 } from "../shared/domain/ids.ts";
import { eventData, isCloudEventRequest, receiveCloudEvent } from "../shared/runtime/cloudevents.ts";
import { createFunctionApp } from "../shared/runtime/function-app.ts";
import type { Logger } from "../shared/runtime/logger.ts";
import { HttpProblem, mediaType, parseWith, readJson } from "../shared/runtime/problems.ts";
import { currentTraceId, SpanKind, withSpan } from "../shared/telemetry/spans.ts";
import { recordDocumentIngested } from "../shared/telemetry/pipeline-metrics.ts";
import { currentTraceHeaders } from "../shared/telemetry/trace-context.ts";

export interface IngestDependencies {
  objectStore: ObjectStore;
  publisher: EventPublisher;
  logger: Logger;
  maxDocumentBytes: number;
  /** API keys and allowed origins; default: no keys (everyone may write), no other origins. */
  access?: AccessSettings;
  isAcceptingTraffic?: () => boolean;
}

export interface IngestAccepted {
  document_id: string;
  status: "accepted";
  duplicate: boolean;
  bucket: string;
  key: string;
  namespace: string;
  trace_id?: string;
}

interface Receipt {
  event_id: string;
  sha256: string;
}

const rawTextQuerySchema = z.object({
  title: z.string().max(4096).optional(),
  source: z.string().max(4096).optional(),
  namespace: namespaceSchema.optional(),
  id: z.string().optional(),
});

/** ingest: store the raw document, publish a `rag.document.stored` claim-check event, answer 202. */
export function createIngestApp(deps: IngestDependencies): Hono {
  const app = createFunctionApp({
    logger: deps.logger,
    // Counted in bytes of text, however the JSON escapes them; a structured event adds its attributes.
    maxBodyBytes: maxStoredDocumentBytes(deps.maxDocumentBytes) + 64 * 1024,
    readinessChecks: { objectStore: () => deps.objectStore.ready(), publisher: () => deps.publisher.ready() },
    isAcceptingTraffic: deps.isAcceptingTraffic,
  });

  const access = accessControl(deps.access);
  // Both routes take writes from anyone who can reach them, browsers included: CSRF guard, then the key.
  const guards = [access.browserWrite(), access.authenticate] as const;
  app.use("/ingest", access.cors);
  app.use("/", access.cors);
  app.post("/ingest", ...guards, async (c) => c.json(await accept(c, await submissionFromRequest(c)), 202));
  app.post("/", ...guards, async (c) => {
    if (!isCloudEventRequest(c)) return c.json(await accept(c, await submissionFromRequest(c)), 202);
    const event = await receiveCloudEvent(c);
    if (event.type !== EVENT_TYPE.documentSubmitted) {
      throw new HttpProblem(400, `unsupported CloudEvent type "${event.type}"; expected "${EVENT_TYPE.documentSubmitted}"`);
    }
    const submission = parseWith(documentSubmissionSchema, eventData(event), "CloudEvent data");
    // A resent event (same source + id) is the same submission, by the CloudEvents uniqueness rule.
    return c.json(await accept(c, submission, `cloudevent:${event.source}:${event.id}`), 202);
  });

  async function submissionFromRequest(c: Context): Promise<DocumentSubmission> {
    const contentType = mediaType(c);
    if (contentType === "text/plain" || contentType === "text/markdown") {
      const query = parseWith(rawTextQuerySchema, c.req.query(), "query string");
      const metadata: Record<string, string> = { type: contentType === "text/markdown" ? "markdown" : "text" };
      if (query.title) metadata.title = query.title;
      if (query.source) metadata.source = query.source;
      return parseWith(documentSubmissionSchema, { text: await c.req.text(), metadata, namespace: query.namespace, id: query.id });
    }
    if (contentType !== "application/json" && contentType !== "") {
      throw new HttpProblem(415, `unsupported content-type "${contentType}"; send application/json, text/plain, text/markdown or a CloudEvent`);
    }
    return parseWith(documentSubmissionSchema, await readJson(c));
  }

  async function accept(c: Context, submission: DocumentSubmission, derivedKey?: string): Promise<IngestAccepted> {
    const size = Buffer.byteLength(submission.text, "utf8");
    if (size > deps.maxDocumentBytes) {
      throw new HttpProblem(413, `text is ${size} bytes; the limit is ${deps.maxDocumentBytes}`);
    }
    const namespace = submission.namespace ?? DEFAULT_NAMESPACE;
    authorize(c, namespace, "write");
    const idempotencyKey = c.req.header("idempotency-key") ?? derivedKey;
    const documentId =
      submission.id ?? (idempotencyKey ? documentIdFromIdempotencyKey(namespace, idempotencyKey) : randomUUID());
    const key = documentKey(namespace, documentId);
    const receiptKey = `.receipts/${key}`;
    const trace_id = currentTraceId();
    const accepted: IngestAccepted = {
      document_id: documentId,
      status: "accepted",
      duplicate: false,
      bucket: deps.objectStore.bucket,
      key,
      namespace,
      ...(trace_id ? { trace_id } : {}),
    };

    const metadata = parseWith(metadataSchema, submission.metadata ?? {}, "metadata");
    const sha256 = sha256Hex(submission.text);
    // The receipt is written after the event is durable: same id and same content again is a
    // duplicate (no second event); same id with new content is a new version of the document.
    const receiptBytes = await asDependencyError("object-store", () => deps.objectStore.get(receiptKey));
    const receipt = receiptBytes === undefined ? undefined : (JSON.parse(Buffer.from(receiptBytes).toString("utf8")) as Receipt);
    if (receipt?.sha256 === sha256) {
      deps.logger.info({ document_id: documentId, namespace }, "duplicate submission, already published");
      return { ...accepted, duplicate: true };
    }

    const document: StoredDocument = {
      document_id: documentId,
      namespace,
      text: submission.text,
      metadata,
      sha256,
      size,
      created_at: new Date().toISOString(),
    };
    await withSpan("storage.upload", { kind: SpanKind.CLIENT, attributes: storageAttributes(deps.objectStore, key, size) }, () =>
      asDependencyError("object-store", () => deps.objectStore.put(key, JSON.stringify(document), "application/json")),
    );

    const stored: DocumentStored = { document_id: documentId, namespace, bucket: deps.objectStore.bucket, key, sha256, size, metadata };
    const event = await withSpan(
      "messaging.publish",
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": deps.publisher.system,
          "messaging.destination.name": deps.publisher.destination,
          "messaging.operation.type": "send",
          "cloudevents.event_type": EVENT_TYPE.documentStored,
        },
      },
      async (span) => {
        // Created inside the producer span so the event's traceparent makes index-document its child.
        const event = new CloudEvent<DocumentStored>({
          id: storedEventId(stored, receipt),
          type: EVENT_TYPE.documentStored,
          source: EVENT_SOURCE.ingest,
          subject: documentId,
          datacontenttype: "application/json",
          partitionkey: documentId,
          data: stored,
          ...currentTraceHeaders(),
        });
        span.setAttributes({ "messaging.message.id": event.id, "cloudevents.event_id": event.id });
        await asDependencyError(deps.publisher.system, () => deps.publisher.publish(event));
        return event;
      },
    );
    const newReceipt: Receipt = { event_id: event.id, sha256 };
    await asDependencyError("object-store", () => deps.objectStore.put(receiptKey, JSON.stringify(newReceipt), "application/json"));
    deps.logger.info({ document_id: documentId, namespace, size, event_id: event.id }, "document accepted");
    recordDocumentIngested();
    return accepted;
  }

  return app;
}

/**
 * The same submission retried after a failed publish gets the same event id (and the same record
 * key, the document id): when the first attempt did land after all (a Kafka ack that timed out),
 * the second is a redelivery of the same event. The previous receipt is part of the name, so a
 * later return to older content (v1, v2, v1 again) is a new event.
 */
function storedEventId(stored: DocumentStored, previous: Receipt | undefined): string {
  return uuidV5(`event:${stored.namespace}:${stored.document_id}:${stored.sha256}:${previous?.event_id ?? ""}`);
}

function storageAttributes(store: ObjectStore, key: string, size: number) {
  return { "storage.system": store.system, "storage.bucket": store.bucket, "storage.key": key, "storage.size": size };
}
