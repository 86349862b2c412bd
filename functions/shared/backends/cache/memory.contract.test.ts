import { cacheContract } from "./cache.contract.ts";
import { MemoryCache } from "./memory.ts";

cacheContract("memory", async () => new MemoryCache(100));
