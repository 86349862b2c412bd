import { cacheContract } from "./cache.contract.ts";
import { MemoryCache } from "./memory.ts";

// Not 0: lru-cache takes a start time of 0 for "no TTL".
let now = 1_000;
cacheContract(
  "memory",
  async () =>
    new MemoryCache({ maxEntries: 100, maxBytes: 1024 * 1024, clock: { now: () => now } }),
  {
    elapse: (ms) => {
      now += ms;
    },
  },
);
