import { enumVar, intVar } from "../../config/env.ts";
import type { Cache } from "./cache.ts";
import { MemoryCache } from "./memory.ts";

export type { Cache } from "./cache.ts";

export const cacheEnv = {
  CACHE: enumVar(["memory"], "memory"),
  CACHE_MAX_ENTRIES: intVar(10_000, 1),
};

export interface CacheConfig {
  CACHE: "memory";
  CACHE_MAX_ENTRIES: number;
}

export async function createCache(config: CacheConfig): Promise<Cache> {
  switch (config.CACHE) {
    case "memory":
      return new MemoryCache(config.CACHE_MAX_ENTRIES);
  }
}
