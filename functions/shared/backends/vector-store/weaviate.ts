import weaviate, {
  Filters,
  type Collection,
  type FilterValue,
  type WeaviateClient,
} from "weaviate-client";
import type { EmbeddedChunk, SearchHit } from "../../domain/chunk.ts";
import { sha256Hex } from "../../domain/document.ts";
import { uuidV5 } from "../../domain/ids.ts";
import { type Analyzer, createAnalyzer } from "../../domain/analyzer.ts";
import { groupByDocument } from "./group-by-document.ts";
import type { NamespaceStats, SearchQuery, VectorStore } from "./vector-store.ts";
import {
  ensureCollections,
  headCollectionName,
  type ChunkProperties,
  type HeadProperties,
} from "./weaviate-schema.ts";

export interface WeaviateOptions {
  httpUrl: string;
  grpcUrl: string;
  apiKey?: string | undefined;
  collection: string;
  timeoutSeconds: number;
  /** How long a version that never became the head may be a writer's work in progress; older ones are collected. */
  abandonedVersionMs?: number;
  /** Makes the `terms` property and the keyword query; the embedded store's analyzer by default. */
  analyzer?: Analyzer;
}

interface Collections {
  client: WeaviateClient;
  chunks: Collection<ChunkProperties>;
  heads: Collection<HeadProperties>;
}

/** Largest candidate list a search asks for while it skips chunks of versions readers do not see. */
const MAX_CANDIDATES = 2000;
/** Rankings redone when one was torn by a concurrent replace (see search) before answering anyway. */
const TORN_READ_RETRIES = 3;

/**
 * Weaviate as the vector store: one collection (`DocumentChunk`) with `vectorizer: none`, since
 * we bring the vectors. Namespaces are a filtered property rather than multi-tenancy: namespaces
 * appear on first write with no tenant to create, and /namespaces can aggregate across them.
 * Hybrid uses relativeScoreFusion, so `alpha` means what it means for the embedded store.
 *
 * Weaviate has no multi-object transactions, so a replace writes the new version's chunks under
 * new ids beside the old ones, then switches the document's head object (one object: atomic) to
 * the new version, then deletes the old version. Searches keep only chunks of their document's
 * head version: a reader never sees two versions, and a crash at any step leaves either the old
 * or the new version visible, never both and never a mix; what it left behind is collected by
 * the document's next replace.
 */
export class WeaviateVectorStore implements VectorStore {
  readonly system = "weaviate";
  private connecting: Promise<Collections> | undefined;
  private client: WeaviateClient | undefined;

  private readonly analyzer: Analyzer;

  constructor(private readonly options: WeaviateOptions) {
    this.analyzer = options.analyzer ?? createAnalyzer("english");
  }

  async replaceDocument(
    namespace: string,
    documentId: string,
    chunks: EmbeddedChunk[],
  ): Promise<void> {
    await this.withCollections((collections) =>
      this.replaceIn(collections, namespace, documentId, chunks),
    );
  }

  private async replaceIn(
    { chunks: collection, heads }: Collections,
    namespace: string,
    documentId: string,
    chunks: EmbeddedChunk[],
  ): Promise<void> {
    const version = versionOf(chunks);
    const writtenAt = Date.now();
    if (chunks.length > 0) {
      const result = await collection.data.insertMany(
        chunks.map((chunk) => ({
          id: versionedId(chunk.id, version),
          properties: toProperties(chunk, version, writtenAt, this.analyzer),
          vectors: chunk.vector,
        })),
      );
      if (result.hasErrors) {
        const first = Object.values(result.errors)[0];
        throw new Error(
          `Weaviate rejected ${Object.keys(result.errors).length} of ${chunks.length} chunks: ${first?.message ?? "unknown error"}`,
        );
      }
    }
    const headId = headIdOf(namespace, documentId);
    const previous = (await heads.query.fetchObjectById(headId))?.properties.version;
    // The switch: from here on readers see the new version and nothing else.
    const switched = await heads.data.insertMany([
      {
        id: headId,
        properties: { namespace, document_id: documentId, version, chunks: chunks.length },
      },
    ]);
    if (switched.hasErrors)
      throw new Error(
        `Weaviate rejected the head of ${namespace}/${documentId}: ${Object.values(switched.errors)[0]?.message}`,
      );
    // The version just replaced goes at once; versions no head ever pointed at (a writer that
    // crashed before its switch) once no writer can still be busy with them.
    const abandonedBefore = writtenAt - (this.options.abandonedVersionMs ?? 10 * 60_000);
    const stale: FilterValue[] = [
      Filters.and(
        collection.filter.byProperty("version").notEqual(version),
        collection.filter.byProperty("written_at").lessThan(abandonedBefore),
      ),
    ];
    if (previous !== undefined && previous !== version)
      stale.push(collection.filter.byProperty("version").equal(previous));
    // Chunks an older release wrote had no version and the bare chunk ids as object ids.
    if (chunks.length > 0)
      stale.push(collection.filter.byId().containsAny(chunks.map((c) => c.id)));
    await collection.data.deleteMany(
      Filters.and(this.documentFilter(collection, namespace, documentId), Filters.or(...stale)),
    );
  }

  async deleteDocument(namespace: string, documentId: string): Promise<void> {
    await this.withCollections(async ({ chunks, heads }) => {
      await heads.data.deleteById(headIdOf(namespace, documentId));
      await chunks.data.deleteMany(this.documentFilter(chunks, namespace, documentId));
    });
  }

  search(query: SearchQuery): Promise<SearchHit[]> {
    return this.withCollections((collections) => this.searchIn(collections, query));
  }

  private async searchIn({ chunks, heads }: Collections, query: SearchQuery): Promise<SearchHit[]> {
    // BM25 over the analyzed `terms` with the analyzed query: stems meet stems, as in the embedded store.
    const terms = this.analyzer.terms(query.text).join(" ");
    // Weaviate ranks chunks, and chunks of versions readers do not see can take places in the
    // ranking: ask for more until topK distinct visible documents are found or there is no more.
    let limit = Math.min(4 * query.topK + 10, MAX_CANDIDATES);
    for (let torn = 0; ; ) {
      const candidates = await this.rank(chunks, query, terms, limit);
      const current = await headVersions(heads, query.namespace, [
        ...new Set(candidates.map((c) => c.properties.document_id)),
      ]);
      const visible = candidates.filter((c) =>
        isVisible(c.properties, current.get(c.properties.document_id)?.version),
      );
      // The ranking ran before the heads were read: a writer may have switched a head in between,
      // to a version whose chunks were still being inserted (or not yet) when the ranking ran.
      // Seen when the ranking returned every chunk (vector and hybrid rank them all) and yet
      // fewer of a found document's head version than the head has: rank again.
      const whole = query.mode !== "keyword" && candidates.length < limit;
      if (!whole || !tornRead(candidates, visible, current) || ++torn > TORN_READ_RETRIES) {
        const documents = groupByDocument(
          visible.map((c) => toHit(c.uuid, c.properties, c.score)),
          query.topK,
          query.chunksPerDocument,
        );
        if (documents.length >= query.topK || candidates.length < limit || limit === MAX_CANDIDATES)
          return documents;
        limit = Math.min(limit * 4, MAX_CANDIDATES);
      }
    }
  }

  async namespaces(): Promise<NamespaceStats[]> {
    const groups = await this.withCollections(({ heads }) =>
      heads.aggregate.groupBy.overAll({
        groupBy: { property: "namespace" },
        returnMetrics: heads.metrics.aggregate("chunks").integer(["sum"]),
      }),
    );
    return groups
      .map((group) => ({
        namespace: String(group.groupedBy.value),
        documents: group.totalCount,
        chunks: group.properties.chunks.sum ?? 0,
      }))
      .sort((a, b) => a.namespace.localeCompare(b.namespace));
  }

  /** Connected, collections in place, and the server answers now. */
  async ready(): Promise<void> {
    const { client } = await this.collections();
    if (!(await client.isReady()))
      throw new Error(`Weaviate at ${this.options.httpUrl} is not ready`);
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  private async rank(
    chunks: Collection<ChunkProperties>,
    query: SearchQuery,
    terms: string,
    limit: number,
  ) {
    const filters = chunks.filter.byProperty("namespace").equal(query.namespace);
    switch (query.mode) {
      case "keyword": {
        if (terms === "") return [];
        const result = await chunks.query.bm25(terms, {
          limit,
          filters,
          queryProperties: ["terms"],
          returnMetadata: ["score"],
        });
        return result.objects.map((o) => ({
          uuid: o.uuid,
          properties: o.properties,
          score: o.metadata?.score ?? 0,
        }));
      }
      case "vector": {
        const result = await chunks.query.nearVector(requireVector(query), {
          limit,
          filters,
          returnMetadata: ["distance"],
        });
        return result.objects.map((o) => ({
          uuid: o.uuid,
          properties: o.properties,
          score: 1 - (o.metadata?.distance ?? 1),
        }));
      }
      case "hybrid": {
        const result = await chunks.query.hybrid(terms === "" ? query.text : terms, {
          vector: requireVector(query),
          queryProperties: ["terms"],
          alpha: query.alpha,
          fusionType: "RelativeScore",
          limit,
          filters,
          returnMetadata: ["score"],
        });
        return result.objects.map((o) => ({
          uuid: o.uuid,
          properties: o.properties,
          score: o.metadata?.score ?? 0,
        }));
      }
    }
  }

  private documentFilter(
    chunks: Collection<ChunkProperties>,
    namespace: string,
    documentId: string,
  ): FilterValue {
    return Filters.and(
      chunks.filter.byProperty("namespace").equal(namespace),
      chunks.filter.byProperty("document_id").equal(documentId),
    );
  }

  /**
   * Runs `work` on the connection. A request that found Weaviate unreachable drops the connection,
   * so that the next one connects afresh: the gRPC channel would retry on its own, but with a
   * backoff that grows to two minutes, so after an outage of a minute index-document went on
   * failing for up to half a minute with Weaviate back.
   */
  private async withCollections<T>(work: (collections: Collections) => Promise<T>): Promise<T> {
    const connecting = this.collections();
    const collections = await connecting;
    try {
      return await work(collections);
    } catch (error) {
      if (isUnreachable(error) && this.connecting === connecting) {
        this.connecting = undefined;
        if (this.client === collections.client) this.client = undefined;
        collections.client.close().catch(() => undefined);
      }
      throw error;
    }
  }

  /** Connects and creates the collections on first use; a failure is retried on the next call. */
  private collections(): Promise<Collections> {
    this.connecting ??= this.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async connect(): Promise<Collections> {
    const http = new URL(this.options.httpUrl);
    const grpc = new URL(this.options.grpcUrl);
    const client = await weaviate.connectToCustom({
      httpHost: http.hostname,
      httpPort: Number(http.port || (http.protocol === "https:" ? 443 : 80)),
      httpSecure: http.protocol === "https:",
      grpcHost: grpc.hostname,
      grpcPort: Number(grpc.port || (grpc.protocol === "https:" ? 443 : 50051)),
      grpcSecure: grpc.protocol === "https:",
      timeout: {
        init: 5,
        query: this.options.timeoutSeconds,
        insert: this.options.timeoutSeconds * 2,
      },
      ...(this.options.apiKey ? { authCredentials: new weaviate.ApiKey(this.options.apiKey) } : {}),
    });
    try {
      await ensureCollections(client, {
        name: this.options.collection,
        httpUrl: this.options.httpUrl,
        timeoutSeconds: this.options.timeoutSeconds,
      });
    } catch (error) {
      await client.close();
      throw error;
    }
    this.client = client;
    return {
      client,
      chunks: client.collections.get<ChunkProperties>(this.options.collection),
      heads: client.collections.get<HeadProperties>(headCollectionName(this.options.collection)),
    };
  }
}

/** weaviate-client's errors for a server it cannot reach (its error classes are not exported). */
function isUnreachable(error: unknown): boolean {
  return /request timed out|\bUNAVAILABLE\b|ECONNREFUSED|ECONNRESET/.test(String(error));
}

interface Head {
  version: string;
  chunks: number;
}

/** The head (version and its number of chunks) of each document, in one query. */
async function headVersions(
  heads: Collection<HeadProperties>,
  namespace: string,
  documentIds: string[],
): Promise<Map<string, Head>> {
  if (documentIds.length === 0) return new Map();
  const result = await heads.query.fetchObjects({
    filters: heads.filter.byId().containsAny(documentIds.map((id) => headIdOf(namespace, id))),
    limit: documentIds.length,
  });
  return new Map(
    result.objects.map((o) => [
      o.properties.document_id,
      { version: o.properties.version, chunks: o.properties.chunks },
    ]),
  );
}

/** True when a found document has fewer visible chunks (maybe none) than its head says it has. */
function tornRead(
  candidates: { properties: ChunkProperties }[],
  visible: { properties: ChunkProperties }[],
  current: Map<string, Head>,
): boolean {
  const counts = new Map(candidates.map((c) => [c.properties.document_id, 0]));
  for (const { properties } of visible)
    counts.set(properties.document_id, (counts.get(properties.document_id) ?? 0) + 1);
  return [...counts].some(([documentId, count]) => count < (current.get(documentId)?.chunks ?? 0));
}

/** A chunk of its document's head version; an older release's chunk (no version) while its document has no head. */
function isVisible(chunk: ChunkProperties, headVersion: string | undefined): boolean {
  return headVersion === undefined ? !chunk.version : chunk.version === headVersion;
}

/** Same chunks, same version: a redelivery rewrites the same objects instead of adding a version. */
function versionOf(chunks: EmbeddedChunk[]): string {
  return sha256Hex(JSON.stringify(chunks.map((c) => [c.id, c.content, c.metadata]))).slice(0, 32);
}

function versionedId(chunkId: string, version: string): string {
  return uuidV5(`${chunkId}@${version}`);
}

function headIdOf(namespace: string, documentId: string): string {
  return uuidV5(`head:${namespace}:${documentId}`);
}

function toProperties(
  chunk: EmbeddedChunk,
  version: string,
  writtenAt: number,
  analyzer: Analyzer,
): ChunkProperties {
  return {
    content: chunk.content,
    document_id: chunk.document_id,
    namespace: chunk.namespace,
    chunk_index: chunk.chunk_index,
    title: chunk.metadata.title ?? "",
    source: chunk.metadata.source ?? "",
    type: chunk.metadata.type ?? "",
    metadata_json: JSON.stringify(chunk.metadata),
    chunk_id: chunk.id,
    version,
    written_at: writtenAt,
    terms: analyzer.terms(`${chunk.metadata.title ?? ""}\n${chunk.content}`).join(" "),
  };
}

function toHit(uuid: string, properties: ChunkProperties, score: number): SearchHit {
  return {
    // An older release's chunk has no chunk_id: its object id was the chunk id.
    id: properties.chunk_id || uuid,
    document_id: properties.document_id,
    chunk_index: Number(properties.chunk_index),
    content: properties.content,
    score,
    metadata: JSON.parse(properties.metadata_json || "{}") as Record<string, string>,
  };
}

function requireVector(query: SearchQuery): number[] {
  if (!query.vector) throw new Error(`${query.mode} search needs a query vector`);
  return query.vector;
}
