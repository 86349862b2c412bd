import type { Logger } from "../../runtime/logger.ts";
import { recordCacheLookups } from "../../telemetry/pipeline-metrics.ts";
import { withSpan } from "../../telemetry/spans.ts";
import type { Cache } from "./cache.ts";

export interface InstrumentedCacheOptions {
  /** The `cache.name` label of its lookups, and the name its warnings use. */
  name: "embedding" | "search";
  logger: Logger;
  ttlSeconds: number;
  /** Logged when a lookup fails; default: "<name> cache unavailable". */
  unavailableMessage?: string;
}

/**
 * A function's cache of one kind of value, traced and counted in one place. A cache is only an
 * optimisation: a failed lookup is a miss and a failed write is logged, neither fails the request.
 */
export class InstrumentedCache<T> {
  private readonly attributes: { "cache.system": string };

  constructor(
    private readonly cache: Cache,
    private readonly options: InstrumentedCacheOptions,
  ) {
    this.attributes = { "cache.system": cache.system };
  }

  async get(key: string): Promise<T | undefined> {
    return withSpan("cache.get", { attributes: this.attributes }, async (span) => {
      const value = await this.cache.get<T>(key).catch((error) => this.unavailable(error));
      span.setAttribute("cache.hit", value !== undefined);
      recordCacheLookups(
        this.options.name,
        value !== undefined ? 1 : 0,
        value !== undefined ? 0 : 1,
      );
      return value;
    });
  }

  /** One lookup for many keys; its span tells how many of them hit. */
  async getMany(keys: string[]): Promise<(T | undefined)[]> {
    return withSpan(
      "cache.get",
      { attributes: { ...this.attributes, "cache.keys": keys.length } },
      async (span) => {
        const values = await this.cache.getMany<T>(keys).catch((error) => {
          this.unavailable(error);
          return keys.map(() => undefined);
        });
        const hits = values.filter((v) => v !== undefined).length;
        span.setAttributes({ "cache.hit": hits === keys.length, "cache.hits": hits });
        recordCacheLookups(this.options.name, hits, keys.length - hits);
        return values;
      },
    );
  }

  async set(key: string, value: T): Promise<void> {
    await withSpan("cache.set", { attributes: this.attributes }, () =>
      this.cache.set(key, value, this.options.ttlSeconds).catch((error) => this.writeFailed(error)),
    );
  }

  async setMany(entries: [key: string, value: T][]): Promise<void> {
    await withSpan(
      "cache.set",
      { attributes: { ...this.attributes, "cache.keys": entries.length } },
      () =>
        Promise.all(
          entries.map(([key, value]) => this.cache.set(key, value, this.options.ttlSeconds)),
        ).catch((error) => this.writeFailed(error)),
    );
  }

  private unavailable(error: unknown): undefined {
    const message = this.options.unavailableMessage ?? `${this.options.name} cache unavailable`;
    this.options.logger.warn({ err: error }, message);
    return undefined;
  }

  private writeFailed(error: unknown): void {
    this.options.logger.warn({ err: error }, `could not write ${this.options.name} cache`);
  }
}
