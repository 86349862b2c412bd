import type { Redis } from "@upstash/redis";
import { storageName } from "../../domain/document.ts";
import { pingUpstash } from "../upstash/client.ts";
import type { IndexedVersion, IndexState } from "./index-state.ts";

interface DocumentRecord extends IndexedVersion {
  document_id: string;
}

// Compare-and-set in one step on the server, so two pods can never both win: keeps the record
// when it holds a newer (version, sha256) than the candidate. Versions stay below 2^53, exact in Lua.
const MARK_INDEXED = `
local current = redis.call('GET', KEYS[1])
if current then
  local c = cjson.decode(current)
  local version = tonumber(ARGV[2])
  if c.version > version or (c.version == version and c.sha256 >= ARGV[3]) then return current end
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`;

/**
 * Index state in Redis: `rag:generation:<namespace>` moves with INCR (atomic across pods), and
 * `rag:document:<namespace>:<hash of the id>` holds each document's indexed version as JSON
 * (one key per document: the state grows with the documents, not with their versions).
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

  async indexedVersion(namespace: string, documentId: string): Promise<IndexedVersion | undefined> {
    const record = await this.redis.get<DocumentRecord>(documentKey(namespace, documentId));
    return record ? { version: Number(record.version), sha256: record.sha256 } : undefined;
  }

  async markIndexed(
    namespace: string,
    documentId: string,
    indexed: IndexedVersion,
  ): Promise<IndexedVersion> {
    const record: DocumentRecord = {
      document_id: documentId,
      version: indexed.version,
      sha256: indexed.sha256,
    };
    const kept = await this.redis.eval<string[], DocumentRecord | string>(
      MARK_INDEXED,
      [documentKey(namespace, documentId)],
      [JSON.stringify(record), String(indexed.version), indexed.sha256],
    );
    // @upstash/redis parses a JSON reply; a client with automatic deserialisation off does not.
    const parsed = typeof kept === "string" ? (JSON.parse(kept) as DocumentRecord) : kept;
    return { version: Number(parsed.version), sha256: parsed.sha256 };
  }

  ready(): Promise<void> {
    return pingUpstash(this.redis);
  }

  async close(): Promise<void> {}
}

function documentKey(namespace: string, documentId: string): string {
  return `rag:document:${namespace}:${storageName(documentId)}`;
}
