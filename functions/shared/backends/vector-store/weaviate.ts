import weaviate, { Filters, type Collection, type WeaviateClient } from "weaviate-client";
import type { EmbeddedChunk, SearchHit } from "../../domain/chunk.ts";
import type { NamespaceStats, SearchQuery, VectorStore } from "./vector-store.ts";

// A type alias, not an interface: the client's Properties constraint needs an index signature.
type ChunkProperties = {
  content: string;
  document_id: string;
  namespace: string;
  chunk_index: number;
  title: string;
  source: string;
  type: string;
  metadata_json: string;
};

export interface WeaviateOptions {
  httpUrl: string;
  grpcUrl: string;
  apiKey?: string | undefined;
  collection: string;
  timeoutSeconds: number;
}

/**
 * Weaviate as the vector store: one collection (`DocumentChunk`) with `vectorizer: none`, since
 * we bring the vectors. Namespaces are a filtered property rather than multi-tenancy: namespaces
 * appear on first write with no tenant to create, and /namespaces can aggregate across them.
 * Hybrid uses relativeScoreFusion, so `alpha` means what it means for the embedded store.
 */
export class WeaviateVectorStore implements VectorStore {
  readonly system = "weaviate";
  private connecting: Promise<Collection<ChunkProperties>> | undefined;
  private client: WeaviateClient | undefined;

  constructor(private readonly options: WeaviateOptions) {}

  async replaceDocument(namespace: string, documentId: string, chunks: EmbeddedChunk[]): Promise<void> {
    const collection = await this.collection();
    if (chunks.length > 0) {
      const result = await collection.data.insertMany(
        chunks.map((chunk) => ({ id: chunk.id, properties: toProperties(chunk), vectors: chunk.vector })),
      );
      if (result.hasErrors) {
        const first = Object.values(result.errors)[0];
        throw new Error(`Weaviate rejected ${Object.keys(result.errors).length} of ${chunks.length} chunks: ${first?.message ?? "unknown error"}`);
      }
    }
    // Deterministic ids overwrite the chunks that remain; a shorter new version leaves a tail to drop.
    await collection.data.deleteMany(
      Filters.and(
        collection.filter.byProperty("namespace").equal(namespace),
        collection.filter.byProperty("document_id").equal(documentId),
        collection.filter.byProperty("chunk_index").greaterOrEqual(chunks.length),
      ),
    );
  }

  async deleteDocument(namespace: string, documentId: string): Promise<void> {
    const collection = await this.collection();
    await collection.data.deleteMany(
      Filters.and(collection.filter.byProperty("namespace").equal(namespace), collection.filter.byProperty("document_id").equal(documentId)),
    );
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const collection = await this.collection();
    const filters = collection.filter.byProperty("namespace").equal(query.namespace);
    switch (query.mode) {
      case "keyword": {
        const result = await collection.query.bm25(query.text, { limit: query.topK, filters, returnMetadata: ["score"] });
        return result.objects.map((o) => toHit(o.uuid, o.properties, o.metadata?.score ?? 0));
      }
      case "vector": {
        const result = await collection.query.nearVector(requireVector(query), { limit: query.topK, filters, returnMetadata: ["distance"] });
        return result.objects.map((o) => toHit(o.uuid, o.properties, 1 - (o.metadata?.distance ?? 1)));
      }
      case "hybrid": {
        const result = await collection.query.hybrid(query.text, {
          vector: requireVector(query),
          alpha: query.alpha,
          fusionType: "RelativeScore",
          limit: query.topK,
          filters,
          returnMetadata: ["score"],
        });
        return result.objects.map((o) => toHit(o.uuid, o.properties, o.metadata?.score ?? 0));
      }
    }
  }

  async namespaces(): Promise<NamespaceStats[]> {
    const collection = await this.collection();
    const groups = await collection.aggregate.groupBy.overAll({ groupBy: { property: "namespace" } });
    const stats = await Promise.all(
      groups.map(async (group) => {
        const namespace = String(group.groupedBy.value);
        // Every document has a chunk 0, so counting those counts documents.
        const firstChunks = await collection.aggregate.overAll({
          filters: Filters.and(collection.filter.byProperty("namespace").equal(namespace), collection.filter.byProperty("chunk_index").equal(0)),
        });
        return { namespace, documents: firstChunks.totalCount, chunks: group.totalCount };
      }),
    );
    return stats.sort((a, b) => a.namespace.localeCompare(b.namespace));
  }

  /** Connected, collection in place, and the server answers now (the client reconnects by itself). */
  async ready(): Promise<void> {
    await this.collection();
    if (!(await this.client!.isReady())) throw new Error(`Weaviate at ${this.options.httpUrl} is not ready`);
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  /** Connects and creates the collection on first use; a failure is retried on the next call. */
  private collection(): Promise<Collection<ChunkProperties>> {
    this.connecting ??= this.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async connect(): Promise<Collection<ChunkProperties>> {
    const http = new URL(this.options.httpUrl);
    const grpc = new URL(this.options.grpcUrl);
    const client = await weaviate.connectToCustom({
      httpHost: http.hostname,
      httpPort: Number(http.port || (http.protocol === "https:" ? 443 : 80)),
      httpSecure: http.protocol === "https:",
      grpcHost: grpc.hostname,
      grpcPort: Number(grpc.port || (grpc.protocol === "https:" ? 443 : 50051)),
      grpcSecure: grpc.protocol === "https:",
      timeout: { init: 5, query: this.options.timeoutSeconds, insert: this.options.timeoutSeconds * 2 },
      ...(this.options.apiKey ? { authCredentials: new weaviate.ApiKey(this.options.apiKey) } : {}),
    });
    try {
      await ensureCollection(client, this.options.collection);
    } catch (error) {
      await client.close();
      throw error;
    }
    this.client = client;
    return client.collections.get<ChunkProperties>(this.options.collection);
  }
}

async function ensureCollection(client: WeaviateClient, name: string): Promise<void> {
  if (await client.collections.exists(name)) return;
  const keyword = { dataType: "text" as const, tokenization: "field" as const, indexSearchable: false };
  try {
    await client.collections.create<ChunkProperties>({
      name,
      vectorizers: weaviate.configure.vectors.selfProvided({ vectorIndexConfig: weaviate.configure.vectorIndex.hnsw({ distanceMetric: "cosine" }) }),
      properties: [
        { name: "content", dataType: "text", tokenization: "word" },
        { name: "title", dataType: "text", tokenization: "word" },
        { name: "document_id", ...keyword },
        { name: "namespace", ...keyword },
        { name: "source", ...keyword },
        { name: "type", ...keyword },
        { name: "chunk_index", dataType: "int" },
        { name: "metadata_json", dataType: "text", indexFilterable: false, indexSearchable: false },
      ],
    });
  } catch (error) {
    // Another instance created it between our check and our create.
    if (!(await client.collections.exists(name))) throw error;
  }
}

function toProperties(chunk: EmbeddedChunk): ChunkProperties {
  return {
    content: chunk.content,
    document_id: chunk.document_id,
    namespace: chunk.namespace,
    chunk_index: chunk.chunk_index,
    title: chunk.metadata.title ?? "",
    source: chunk.metadata.source ?? "",
    type: chunk.metadata.type ?? "",
    metadata_json: JSON.stringify(chunk.metadata),
  };
}

function toHit(id: string, properties: ChunkProperties, score: number): SearchHit {
  return {
    id,
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
