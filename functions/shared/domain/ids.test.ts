import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chunkId, documentIdFromIdempotencyKey, uuidV5 } from "./ids.ts";

describe("deterministic ids", () => {
  it("computes RFC 9562 UUIDv5 (the RFC's DNS example)", () => {
    assert.equal(
      uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });

  it("gives a chunk the same id every time, and different ids per index, document and namespace", () => {
    assert.equal(chunkId("default", "doc-1", 0), chunkId("default", "doc-1", 0));
    const ids = new Set([
      chunkId("default", "doc-1", 0),
      chunkId("default", "doc-1", 1),
      chunkId("default", "doc-2", 0),
      chunkId("other", "doc-1", 0),
    ]);
    assert.equal(ids.size, 4);
  });

  it("maps an idempotency key to one document id per namespace", () => {
    assert.equal(documentIdFromIdempotencyKey("a", "k"), documentIdFromIdempotencyKey("a", "k"));
    assert.notEqual(documentIdFromIdempotencyKey("a", "k"), documentIdFromIdempotencyKey("b", "k"));
  });
});
