import { enumVar, intVar, type Settings } from "../../config/env.ts";
import { upstashEnv } from "../upstash/env.ts";
import type { Cache } from "./cache.ts";
import { MemoryCache } from "./memory.ts";

export type { Cache } from "./cache.ts";

export const cacheEnv = {
  CACHE: enumVar(["memory", "upstash"], "memory"),
  CACHE_MAX_ENTRIES: intVar(10_000, 1),
  CACHE_MAX_BYTES: intVar(64 * 1024 * 1024, 1024),
  ...upstashEnv,
};

export type CacheConfig = Settings<typeof cacheEnv>;

export async function createCache(config: CacheConfig): Promise<Cache> {
  switch (config.CACHE) {
    case "memory":
      return new MemoryCache({
        maxEntries: config.CACHE_MAX_ENTRIES,
        maxBytes: config.CACHE_MAX_BYTES,
      });
    case "upstash": {
      const [{ UpstashCache }, { upstashClientFromConfig }] = await Promise.all([
        import("./upstash.ts"),
        import("../upstash/client.ts"),
      ]);
      return new UpstashCache(upstashClientFromConfig(config, "CACHE=upstash"));
    }
  }
}
