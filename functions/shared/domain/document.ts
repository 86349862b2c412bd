import { createHash } from "node:crypto";
import { z } from "zod";

export const NAMESPACE_PATTERN = /^[a-z0-9-]{1,63}$/;
export const DEFAULT_NAMESPACE = "default";
export const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const namespaceSchema = z
  .string()
  .regex(NAMESPACE_PATTERN, { message: "namespace must match ^[a-z0-9-]{1,63}$" });

export const documentIdSchema = z.string().regex(DOCUMENT_ID_PATTERN, {
  message: "id must be 1-128 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
});

/** Free-form string metadata; title, source and type are the ones the pipeline shows. */
export const metadataSchema = z
  .record(z.string().max(256), z.string().max(4096))
  .refine((m) => Object.keys(m).length <= 32, { message: "at most 32 metadata fields" });

export type DocumentMetadata = z.infer<typeof metadataSchema>;

export const documentSubmissionSchema = z.object({
  text: z.string().refine((t) => t.trim().length > 0, { message: "text must not be empty" }),
  metadata: metadataSchema.optional().default({}),
  namespace: namespaceSchema.optional().default(DEFAULT_NAMESPACE),
  id: documentIdSchema.optional(),
});

export type DocumentSubmission = z.infer<typeof documentSubmissionSchema>;

/** The raw document as ingest stores it in the object store. */
export interface StoredDocument {
  document_id: string;
  namespace: string;
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
  .refine((key) => Buffer.byteLength(key, "utf8") <= 1024, { message: "key must be at most 1024 bytes" })
  .refine((key) => !/[\u0000-\u001f\u007f]/.test(key), { message: "key must not contain control characters" })
  .refine((key) => key.split("/").every((segment) => segment !== "" && segment !== "." && segment !== ".."), {
    message: 'key must be relative, without empty, "." or ".." segments',
  })
  .refine((key) => key.split("/").every((segment) => Buffer.byteLength(segment, "utf8") <= 255), {
    message: "each segment of key must be at most 255 bytes",
  });

/** Claim-check data of a `rag.document.stored` event: where the document is, never its text. */
export const documentStoredSchema = z.object({
  document_id: documentIdSchema,
  namespace: namespaceSchema,
  bucket: z.string().min(1),
  key: objectKeySchema,
  sha256: z.string().regex(/^[a-f0-9]{64}$/, { message: "sha256 must be 64 lowercase hex characters" }),
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
 * The largest stored-document object ingest can write for a text of `maxDocumentBytes`: JSON may
 * escape a character into 6 bytes (\u0001), and metadata adds at most 32 × (256 + 4096) such
 * characters (< 1 MiB). index-document reads no more than this.
 */
export function maxStoredDocumentBytes(maxDocumentBytes: number): number {
  return 6 * maxDocumentBytes + 1024 * 1024;
}

export function documentKey(namespace: string, documentId: string): string {
  return `${namespace}/${documentId}.json`;
}

export function sha256Hex(value: string | Uint8Array): string {
  return createHash("sha256").update(value).digest("hex");
}
