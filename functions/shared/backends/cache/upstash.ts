import type { Redis } from "@upstash/redis";
import { pingUpstash } from "../upstash/client.ts";
import type { Cache } from "./cache.ts";

/** The cache in Redis through @upstash/redis; values are JSON, every key has a TTL. */
export class UpstashCache implements Cache {
  readonly system = "redis";

  constructor(
    private readonly redis: Redis,
    private readonly prefix = "rag:cache:",
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    return ((await this.redis.get<T>(this.prefix + key)) ?? undefined) as T | undefined;
  }

  async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    if (keys.length === 0) return [];
    const values = await this.redis.mget<(T | null)[]>(...keys.map((k) => this.prefix + k));
    return values.map((v) => v ?? undefined);
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    // Stored as JSON text even for strings: the client JSON-parses every reply once, so a bare
    // string like "true" would otherwise come back as a boolean.
    await this.redis.set(this.prefix + key, JSON.stringify(value), { ex: ttlSeconds });
  }

  ready(): Promise<void> {
    return pingUpstash(this.redis);
  }

  async close(): Promise<void> {}
}
