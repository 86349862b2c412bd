import { createHash } from "node:crypto";

// Fixed namespace UUID of this project, for name-based (v5) ids.
const PROJECT_NAMESPACE = "6f1d2c9e-3b4a-5c8d-9e0f-1a2b3c4d5e6f";

/** RFC 9562 UUIDv5: the same name always gives the same id, so re-indexing overwrites instead of duplicating. */
export function uuidV5(name: string, namespace = PROJECT_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll("-", ""), "hex");
  const hash = createHash("sha1").update(ns).update(name, "utf8").digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function chunkId(namespace: string, documentId: string, chunkIndex: number): string {
  return uuidV5(`chunk:${namespace}:${documentId}:${chunkIndex}`);
}

/** A document id derived from a client's Idempotency-Key, so a retried request maps to the same document. */
export function documentIdFromIdempotencyKey(namespace: string, key: string): string {
  return uuidV5(`idempotency:${namespace}:${key}`);
}
