import { LRUCache } from "lru-cache";
import type { Cache } from "./cache.ts";

/** In-process LRU with per-entry TTL: the embedded default. */
export class MemoryCache implements Cache {
  readonly system = "memory";
  private readonly lru: LRUCache<string, { value: unknown }>;

  constructor(maxEntries: number) {
    this.lru = new LRUCache({ max: maxEntries, ttlAutopurge: false });
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

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.lru.clear();
  }
}
