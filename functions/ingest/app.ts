import { randomUUID } from "node:crypto";
import { CloudEvent } from "cloudevents";
import type { Context, Env, MiddlewareHandler, TypedResponse } from "hono";
import type { BlankInput } from "hono/types";
import * as z from "zod";
import type { EventPublisher } from "../shared/backends/events/index.ts";
import type { ObjectStore } from "../shared/backends/object-store/index.ts";
import { asDependencyError } from "../shared/runtime/dependency-error.ts";
import { accessControl, type AccessSettings } from "../shared/access/access-control.ts";
import { authorize } from "../shared/access/authenticate.ts";
import {
  DEFAULT_NAMESPACE,
  documentKey,
  documentSubmissionSchema,
  receiptKey,
  EVENT_SOURCE,
  EVENT_TYPE,
  maxStoredDocumentBytes,
  metadataSchema,
  namespaceSchema,
  sha256Hex,
  type DocumentMetadata,
  type DocumentStored,
  type DocumentSubmission,
  type StoredDocument,
} from "../shared/domain/document.ts";
import { documentIdFromIdempotencyKey, uuidV5 } from "../shared/domain/ids.ts";
import {
  eventData,
  isCloudEventRequest,
  receiveCloudEvent,
} from "../shared/runtime/cloudevents.ts";
import { createFunctionApp } from "../shared/runtime/function-app.ts";
import { KeyedLock } from "../shared/runtime/keyed-lock.ts";
import type { Logger } from "../shared/runtime/logger.ts";
import { HttpProblem, mediaType, parseWith, readJson } from "../shared/runtime/problems.ts";
import { currentTraceId, SpanKind, withSpan } from "../shared/telemetry/spans.ts";
import { recordDocumentIngested } from "../shared/telemetry/pipeline-metrics.ts";
import { currentTraceHeaders } from "../shared/telemetry/trace-context.ts";
import { VersionClock } from "./version-clock.ts";
import { bodyLimit } from "../shared/runtime/body-limit.ts";

export interface IngestDependencies {
  objectStore: ObjectStore;
  publisher: EventPublisher;
  logger: Logger;
  maxDocumentBytes: number;
  /** API keys and allowed origins; default: no keys (everyone may write), no other origins. */
  access?: AccessSettings;
  versionClock?: VersionClock;
  /**
   * Backpressure: while the publisher holds this many undelivered events, new submissions get
   * 503 + Retry-After instead of growing a backlog the pipeline cannot finish. Default: no limit.
   */
  maxBacklog?: number;
  /** Retry-After of that 503; default 1 second. */
  backlogRetryAfterSeconds?: number;
}

export interface IngestAccepted {
  document_id: string;
  status: "accepted";
  duplicate: boolean;
  /** The accepted version; the highest version of a document is the one search serves. */
  version: number;
  bucket: string;
  key: string;
  namespace: string;
  trace_id?: string;
}

/** What ingest last published for a document (object `.receipts/<namespace>/<hash of the id>.json`). */
interface Receipt {
  event_id: string;
  version: number;
  sha256: string;
  /** sha256 over the text's hash and the sorted metadata: what makes a resubmission a duplicate. */
  fingerprint: string;
  /** false from just before the publish until it is acknowledged. */
  published: boolean;
}

const rawTextQuerySchema = z.object({
  title: z.string().max(4096).optional(),
  source: z.string().max(4096).optional(),
  namespace: namespaceSchema.optional(),
  id: z.string().optional(),
});

/** ingest: store the raw document, publish a `rag.document.stored` claim-check event, answer 202. */
export function createIngestApp(deps: IngestDependencies) {
  // Counted in bytes of text, however the JSON escapes them; a structured event adds its attributes.
  const maxBodyBytes = maxStoredDocumentBytes(deps.maxDocumentBytes) + 64 * 1024;
  const app = createFunctionApp({
    logger: deps.logger,
    maxBodyBytes,
  });
  const versions = deps.versionClock ?? new VersionClock();
  const documentLock = new KeyedLock();

  const access = accessControl(deps.access);
  // Both routes take writes from anyone who can reach them, browsers included: CSRF guard, then the key.
  const guards = [
    bodyLimit(maxBodyBytes),
    access.browserWrite(),
    access.authenticate,
    shedWhenBacklogged(deps),
  ] as const;
  app.use("/ingest", access.cors);
  app.use("/", access.cors);
  // Chained, so that the app's type carries its routes (hono/client, testClient).
  const routes = app
    .post("/ingest", ...guards, async (c) =>
      c.json(await accept(c, await submissionFromRequest(c)), 202),
    )
    .post("/", ...guards, async (c) => {
      if (!isCloudEventRequest(c))
        return c.json(await accept(c, await submissionFromRequest(c)), 202);
      const event = await receiveCloudEvent(c);
      if (event.type !== EVENT_TYPE.documentSubmitted) {
        throw new HttpProblem(
          400,
          `unsupported CloudEvent type "${event.type}"; expected "${EVENT_TYPE.documentSubmitted}"`,
        );
      }
      const submission = parseWith(documentSubmissionSchema, eventData(event), "CloudEvent data");
      // A resent event (same source + id) is the same submission, by the CloudEvents uniqueness rule.
      return c.json(await accept(c, submission, `cloudevent:${event.source}:${event.id}`), 202);
    });

  async function submissionFromRequest(c: Context): Promise<DocumentSubmission> {
    const contentType = mediaType(c);
    if (contentType === "text/plain" || contentType === "text/markdown") {
      const query = parseWith(rawTextQuerySchema, c.req.query(), "query string");
      const metadata: Record<string, string> = {
        type: contentType === "text/markdown" ? "markdown" : "text",
      };
      if (query.title) metadata.title = query.title;
      if (query.source) metadata.source = query.source;
      return parseWith(documentSubmissionSchema, {
        text: await c.req.text(),
        metadata,
        namespace: query.namespace,
        id: query.id,
      });
    }
    if (contentType !== "application/json" && contentType !== "") {
      throw new HttpProblem(
        415,
        `unsupported content-type "${contentType}"; send application/json, text/plain, text/markdown or a CloudEvent`,
      );
    }
    return parseWith(documentSubmissionSchema, await readJson(c));
  }

  async function accept(
    c: Context,
    submission: DocumentSubmission,
    derivedKey?: string,
  ): Promise<IngestAccepted> {
    const size = Buffer.byteLength(submission.text, "utf8");
    if (size > deps.maxDocumentBytes) {
      throw new HttpProblem(413, `text is ${size} bytes; the limit is ${deps.maxDocumentBytes}`);
    }
    const namespace = submission.namespace ?? DEFAULT_NAMESPACE;
    authorize(c, namespace, "write");
    const idempotencyKey = c.req.header("idempotency-key") ?? derivedKey;
    const documentId =
      submission.id ??
      (idempotencyKey ? documentIdFromIdempotencyKey(namespace, idempotencyKey) : randomUUID());
    const metadata = parseWith(metadataSchema, submission.metadata ?? {}, "metadata");
    // One submission of a document at a time: the receipt check and the version it hands out
    // must see the previous submission's receipt.
    return documentLock.run(`${namespace}/${documentId}`, () =>
      acceptVersion({ namespace, documentId, text: submission.text, metadata, size }),
    );
  }

  async function acceptVersion(submission: {
    namespace: string;
    documentId: string;
    text: string;
    metadata: DocumentMetadata;
    size: number;
  }): Promise<IngestAccepted> {
    const { namespace, documentId, text, metadata, size } = submission;
    const sha256 = sha256Hex(text);
    const fingerprint = sha256Hex(
      JSON.stringify([
        sha256,
        Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ]),
    );
    const trace_id = currentTraceId();
    const answer = (version: number, duplicate: boolean): IngestAccepted => ({
      document_id: documentId,
      status: "accepted",
      duplicate,
      version,
      bucket: deps.objectStore.bucket,
      key: documentKey(namespace, documentId, version),
      namespace,
      ...(trace_id ? { trace_id } : {}),
    });

    // The receipt holds the document's last version, marked published once its event is durable:
    // the same text and metadata again is then a duplicate (no second event) unless that event
    // was dead-lettered; anything else is a new version, even a return to an older content.
    const receipt = await readReceipt(namespace, documentId);
    const sameContent = receipt?.fingerprint === fingerprint;
    if (sameContent && receipt.published) {
      if (
        !(await asDependencyError(deps.publisher.system, () =>
          deps.publisher.isDeadLettered(receipt.event_id),
        ))
      ) {
        deps.logger.info(
          { document_id: documentId, namespace, version: receipt.version },
          "duplicate submission, already published",
        );
        return answer(receipt.version, true);
      }
      deps.logger.info(
        { document_id: documentId, namespace, event_id: receipt.event_id },
        "resubmission of a dead-lettered document, publishing again",
      );
    }

    // A resubmission after a failed publish is the same version and event again: if the first
    // attempt landed after all (a Kafka ack that timed out), this one is a redelivery of it.
    const retry = sameContent && !receipt.published;
    const version = retry ? receipt.version : versions.next(receipt?.version);
    const key = documentKey(namespace, documentId, version);
    const document: StoredDocument = {
      document_id: documentId,
      namespace,
      version,
      text,
      metadata,
      sha256,
      size,
      created_at: new Date().toISOString(),
    };
    const stored: DocumentStored = {
      document_id: documentId,
      namespace,
      version,
      bucket: deps.objectStore.bucket,
      key,
      sha256,
      size,
      metadata,
    };
    const eventId = uuidV5(`event:${namespace}:${documentId}:${version}`);
    const writeReceipt = (published: boolean) => {
      const next: Receipt = { event_id: eventId, version, sha256, fingerprint, published };
      return asDependencyError("object-store", () =>
        deps.objectStore.put(
          receiptKey(namespace, documentId),
          JSON.stringify(next),
          "application/json",
          { writerOnly: true },
        ),
      );
    };
    // The unpublished receipt and the document need no order between them (a receipt of a version
    // whose object is missing only means "store and publish it again"), so they are written at once.
    await Promise.all([
      withSpan(
        "storage.upload",
        { kind: SpanKind.CLIENT, attributes: storageAttributes(deps.objectStore, key, size) },
        () =>
          asDependencyError("object-store", () =>
            deps.objectStore.put(key, JSON.stringify(document), "application/json"),
          ),
      ),
      retry ? undefined : writeReceipt(false),
    ]);
    const event = await publish(stored, eventId);
    await writeReceipt(true);
    deps.logger.info(
      { document_id: documentId, namespace, version, size, event_id: event.id },
      "document accepted",
    );
    recordDocumentIngested();
    return answer(version, false);
  }

  async function readReceipt(namespace: string, documentId: string): Promise<Receipt | undefined> {
    const bytes = await asDependencyError("object-store", () =>
      deps.objectStore.get(receiptKey(namespace, documentId)),
    );
    if (bytes === undefined) return undefined;
    try {
      const receipt = JSON.parse(Buffer.from(bytes).toString("utf8")) as Partial<Receipt>;
      // A receipt of an older layout (no version) only means "publish again".
      return typeof receipt.version === "number" && typeof receipt.event_id === "string"
        ? ({ published: true, ...receipt } as Receipt)
        : undefined;
    } catch {
      return undefined;
    }
  }

  function publish(stored: DocumentStored, id: string): Promise<CloudEvent<DocumentStored>> {
    return withSpan(
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
          id,
          type: EVENT_TYPE.documentStored,
          source: EVENT_SOURCE.ingest,
          subject: stored.document_id,
          datacontenttype: "application/json",
          partitionkey: stored.document_id,
          data: stored,
          ...currentTraceHeaders(),
        });
        span.setAttributes({ "messaging.message.id": event.id, "cloudevents.event_id": event.id });
        await asDependencyError(deps.publisher.system, () => deps.publisher.publish(event));
        return event;
      },
    );
  }

  return routes;
}

export type IngestApp = ReturnType<typeof createIngestApp>;

/** The 503 body of a submission shed while the publisher's backlog is at its limit. */
export interface IngestBacklogged {
  error: string;
  retryable: true;
  backlog: number;
  max_backlog: number;
  retry_after_seconds: number;
}

/** 503 + Retry-After (and a JSON body saying why) while the publisher's backlog is at its limit. */
function shedWhenBacklogged(
  deps: IngestDependencies,
): MiddlewareHandler<Env, string, BlankInput, TypedResponse<IngestBacklogged, 503, "json">> {
  return async (c, next) => {
    const backlog = deps.publisher.backlog?.() ?? 0;
    if (deps.maxBacklog === undefined || backlog < deps.maxBacklog) return next();
    const retryAfter = deps.backlogRetryAfterSeconds ?? 1;
    c.header("Retry-After", String(retryAfter));
    const body: IngestBacklogged = {
      error: `ingest is at its backlog limit (${backlog} of ${deps.maxBacklog} events waiting for delivery); retry later`,
      retryable: true,
      backlog,
      max_backlog: deps.maxBacklog,
      retry_after_seconds: retryAfter,
    };
    return c.json(body, 503);
  };
}

function storageAttributes(store: ObjectStore, key: string, size: number) {
  return {
    "storage.system": store.system,
    "storage.bucket": store.bucket,
    "storage.key": key,
    "storage.size": size,
  };
}
