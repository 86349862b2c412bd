import { createHash } from "node:crypto";
import * as z from "zod";

export const NAMESPACE_PATTERN = /^[a-z0-9-]{1,63}$/;
export const DEFAULT_NAMESPACE = "default";
/** What ingest accepts and index-document reads, in UTF-8 bytes of the text (MAX_DOCUMENT_BYTES). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
export const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const namespaceSchema = z
  .string()
  .regex(NAMESPACE_PATTERN, { message: "namespace must match ^[a-z0-9-]{1,63}$" });

export const documentIdSchema = z.string().regex(DOCUMENT_ID_PATTERN, {
  message:
    "id must be 1-128 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
});

/**
 * Metadata travels in the stored event as well as in the object, so its size is bounded in the
 * unit the event's limit is counted in: UTF-8 bytes of its JSON.
 */
export const MAX_METADATA_BYTES = 64 * 1024;

/** Free-form string metadata; title, source and type are the ones the pipeline shows. */
export const metadataSchema = z
  .record(z.string().max(256), z.string().max(4096))
  .refine((m) => Object.keys(m).length <= 32, { message: "at most 32 metadata fields" })
  .refine((m) => jsonBytes(m) <= MAX_METADATA_BYTES, {
    message: `metadata must be at most ${MAX_METADATA_BYTES} bytes as UTF-8 JSON`,
  });

export type DocumentMetadata = z.infer<typeof metadataSchema>;

export const documentSubmissionSchema = z.object({
  text: z.string().refine((t) => t.trim().length > 0, { message: "text must not be empty" }),
  metadata: metadataSchema.optional().default({}),
  namespace: namespaceSchema.optional().default(DEFAULT_NAMESPACE),
  id: documentIdSchema.optional(),
});

export type DocumentSubmission = z.infer<typeof documentSubmissionSchema>;

/** The raw document as ingest stores it in the object store, one object per accepted version. */
export interface StoredDocument {
  document_id: string;
  namespace: string;
  version: number;
  text: string;
  metadata: DocumentMetadata;
  sha256: string;
  size: number;
  created_at: string;
}

/**
 * An object key every store can hold as a file or an S3 key: relative, no empty, "." or ".."
 * segment, no control characters, at most 1024 bytes (S3's limit) and 255 bytes per segment
 * (a file name's). An event with any other key can never succeed, so it is refused up front.
 */
export const objectKeySchema = z
  .string()
  .min(1, { message: "key must not be empty" })
  .refine((key) => Buffer.byteLength(key, "utf8") <= 1024, {
    message: "key must be at most 1024 bytes",
  })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  .refine((key) => !/[\u0000-\u001f\u007f]/.test(key), {
    message: "key must not contain control characters",
  })
  .refine(
    (key) =>
      key.split("/").every((segment) => segment !== "" && segment !== "." && segment !== ".."),
    {
      message: 'key must be relative, without empty, "." or ".." segments',
    },
  )
  .refine((key) => key.split("/").every((segment) => Buffer.byteLength(segment, "utf8") <= 255), {
    message: "each segment of key must be at most 255 bytes",
  });

/**
 * Claim-check data of a `rag.document.stored` event: where the document is, never its text.
 * `version` orders the accepted versions of one document (see VersionClock); `sha256` and `size`
 * are of the text, and index-document checks the object it reads against both.
 */
export const documentStoredSchema = z.object({
  document_id: documentIdSchema,
  namespace: namespaceSchema,
  version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  bucket: z.string().min(1),
  key: objectKeySchema,
  sha256: z
    .string()
    .regex(/^[a-f0-9]{64}$/, { message: "sha256 must be 64 lowercase hex characters" }),
  size: z.number().int().nonnegative(),
  metadata: metadataSchema.optional().default({}),
});

export type DocumentStored = z.infer<typeof documentStoredSchema>;

export const EVENT_TYPE = {
  documentSubmitted: "rag.document.submitted",
  documentStored: "rag.document.stored",
} as const;

export const EVENT_SOURCE = {
  ingest: "knative-rag/ingest",
} as const;

/**
 * The largest `rag.document.stored` event body index-document accepts, in UTF-8 bytes: metadata at
 * its limit plus the other fields (ids, key, hash; under 1 KB), with room for the structured mode's
 * envelope and for `data_base64` (4/3 of the data). So no event ingest accepted is refused for size.
 */
export const MAX_STORED_EVENT_BYTES = 2 * MAX_METADATA_BYTES + 16 * 1024;

/**
 * Bytes a JSON body may spend on one byte (or UTF-16 unit) of the text it carries: `\u0041` is
 * "A". Limits are documented in decoded units (characters of a query, bytes of a document), so
 * the wire may carry up to this many times as much before the decoded limit applies.
 */
export const JSON_ESCAPE_BYTES = 6;

/**
 * The largest stored-document object ingest can write for a text of `maxDocumentBytes`: JSON may
 * escape each byte into JSON_ESCAPE_BYTES, and metadata adds at most MAX_METADATA_BYTES, escaped
 * alike (< 1 MiB). index-document reads no more than this.
 */
export function maxStoredDocumentBytes(maxDocumentBytes: number): number {
  return JSON_ESCAPE_BYTES * maxDocumentBytes + 1024 * 1024;
}

/**
 * A fixed-length, file-system-safe name for a document id: ids may be up to 128 characters that
 * escape to three times as many bytes, so they never become file or key names themselves
 * (the id is kept inside each file).
 */
export function storageName(documentId: string): string {
  return sha256Hex(`document:${documentId}`).slice(0, 32);
}

/** Object key of one accepted version: a newer version never overwrites an older one's object. */
export function documentKey(namespace: string, documentId: string, version: number): string {
  return `${namespace}/${storageName(documentId)}/${version}.json`;
}

/** Object key of ingest's receipt: the last version it published for the document. */
export function receiptKey(namespace: string, documentId: string): string {
  return `.receipts/${namespace}/${storageName(documentId)}.json`;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

export function sha256Hex(value: string | Uint8Array): string {
  return createHash("sha256").update(value).digest("hex");
}
