import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitFor } from "../../../../test/support/wait-for.ts";
import type { Cache } from "./cache.ts";

export interface CacheContractOptions {
  /** Moves the adapter's clock forward; without it, the TTL test waits for the server to expire the key. */
  elapse?: (ms: number) => void;
}

/** What every Cache must do, run against each adapter. */
export function cacheContract(
  adapter: string,
  open: () => Promise<Cache>,
  options: CacheContractOptions = {},
): void {
  describe(`Cache contract: ${adapter}`, () => {
    let cache: Cache;
    const run = Date.now().toString(36);
    const key = (name: string) => `contract:${run}:${name}`;
    before(async () => {
      cache = await open();
      await cache.ready();
    });
    after(() => cache?.close());

    it("misses an unknown key", async () => {
      assert.equal(await cache.get(key("unknown")), undefined);
    });

    it("returns JSON values as they were set, strings that look like numbers included", async () => {
      const values: Record<string, unknown> = {
        vector: [0.125, -0.5, 1e-7, 0],
        answer: {
          answer: "Kafka [1]",
          sources: [{ id: "a", score: 0.5, metadata: { title: "Grüße 東京" } }],
          metadata: { cache_hit: false },
        },
        numeric: "1e5",
        boolean: "true",
        number: 42,
      };
      for (const [name, value] of Object.entries(values)) await cache.set(key(name), value, 60);
      for (const [name, value] of Object.entries(values))
        assert.deepEqual(await cache.get(key(name)), value, name);
    });

    it("reads many keys in order, misses as undefined", async () => {
      await cache.set(key("a"), [1], 60);
      await cache.set(key("c"), [3], 60);
      assert.deepEqual(await cache.getMany([key("a"), key("b"), key("c")]), [[1], undefined, [3]]);
      assert.deepEqual(await cache.getMany([]), []);
    });

    it("forgets a value after its time-to-live", async () => {
      await cache.set(key("short"), { v: 1 }, 1);
      assert.deepEqual(await cache.get(key("short")), { v: 1 });
      if (options.elapse) {
        options.elapse(999);
        assert.deepEqual(await cache.get(key("short")), { v: 1 }, "kept until the TTL is over");
        options.elapse(2);
        assert.equal(await cache.get(key("short")), undefined);
      } else {
        await waitFor(
          "the key to expire",
          async () => (await cache.get(key("short"))) === undefined,
          10_000,
        );
      }
    });
  });
}
