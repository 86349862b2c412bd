import { cacheContract } from "./cache.contract.ts";
import { MemoryCache } from "./memory.ts";

cacheContract("memory", async () => new MemoryCache({ maxEntries: 100, maxBytes: 1024 * 1024 }));
