import type { Redis } from "@upstash/redis";
import { pingUpstash } from "../upstash/client.ts";
import type { IndexState } from "./index-state.ts";

interface IndexedMark {
  document_id: string;
}

/**
 * Index state in Redis: `rag:generation:<namespace>` moves with INCR (atomic across pods),
 * `rag:indexed:<namespace>` is a hash from content sha256 to the document id indexed with it.
 */
export class UpstashIndexState implements IndexState {
  readonly system = "redis";

  constructor(private readonly redis: Redis) {}

  async generation(namespace: string): Promise<number> {
    return Number((await this.redis.get<number>(`rag:generation:${namespace}`)) ?? 0);
  }

  bumpGeneration(namespace: string): Promise<number> {
    return this.redis.incr(`rag:generation:${namespace}`);
  }

  async indexedDocument(namespace: string, sha256: string): Promise<string | undefined> {
    const value = await this.redis.hget<IndexedMark>(`rag:indexed:${namespace}`, sha256);
    return value?.document_id;
  }

  async markIndexed(namespace: string, sha256: string, documentId: string): Promise<void> {
    // An object, not the bare id: @upstash/redis would read an id like "1e5" back as a number.
    const mark: IndexedMark = { document_id: documentId };
    await this.redis.hset(`rag:indexed:${namespace}`, { [sha256]: mark });
  }

  ready(): Promise<void> {
    return pingUpstash(this.redis);
  }

  async close(): Promise<void> {}
}
