import { LRUCache } from "lru-cache";
import type { Cache } from "./cache.ts";

export interface MemoryCacheLimits {
  maxEntries: number;
  /** Bound on the cached values' size, as UTF-8 bytes of their JSON; a larger value is not cached. */
  maxBytes: number;
  /** Milliseconds for the TTLs; default performance.now (tests pass a clock they move). */
  clock?: { now(): number };
}

/** In-process LRU with per-entry TTL, bounded in entries and in bytes: the embedded default. */
export class MemoryCache implements Cache {
  readonly system = "memory";
  private readonly lru: LRUCache<string, { value: unknown }>;

  constructor(limits: MemoryCacheLimits) {
    this.lru = new LRUCache({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      sizeCalculation: (entry, key) =>
        Math.max(1, Buffer.byteLength(JSON.stringify(entry.value) ?? "", "utf8") + key.length),
      ttlAutopurge: false,
      ...(limits.clock ? { perf: limits.clock, ttlResolution: 0 } : {}),
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.lru.get(key)?.value as T | undefined;
  }

  async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    return keys.map((key) => this.lru.get(key)?.value as T | undefined);
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    this.lru.set(key, { value: structuredClone(value) }, { ttl: ttlSeconds * 1000 });
  }

  /** Bytes held, as counted against maxBytes. */
  get calculatedSize(): number {
    return this.lru.calculatedSize;
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.lru.clear();
  }
}
