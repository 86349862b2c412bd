import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryCache } from "./memory.ts";

describe("MemoryCache", () => {
  it("stays within its byte bound however many large answers it is given", async () => {
    const cache = new MemoryCache({ maxEntries: 10_000, maxBytes: 1024 * 1024 });
    const answer = {
      sources: Array.from({ length: 50 }, (_, i) => ({ content: "x".repeat(1000), i })),
    };
    for (let i = 0; i < 120; i++) await cache.set(`search:${i}`, answer, 300);
    assert.ok(cache.calculatedSize <= 1024 * 1024, `${cache.calculatedSize} bytes held`);
    assert.deepEqual(await cache.get("search:119"), answer, "the newest answer is kept");
    assert.equal(await cache.get("search:0"), undefined, "the oldest was evicted");
  });

  it("does not cache a value larger than the whole bound", async () => {
    const cache = new MemoryCache({ maxEntries: 10, maxBytes: 1024 });
    await cache.set("big", "y".repeat(4096), 300);
    assert.equal(await cache.get("big"), undefined);
  });
});
