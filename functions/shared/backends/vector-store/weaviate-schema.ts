import weaviate, { type PropertyConfigCreate, type WeaviateClient } from "weaviate-client";
import { BM25_DEFAULTS } from "../../domain/bm25.ts";

// Type aliases, not interfaces: the client's Properties constraint needs an index signature.
export type ChunkProperties = {
  content: string;
  document_id: string;
  namespace: string;
  chunk_index: number;
  title: string;
  source: string;
  type: string;
  metadata_json: string;
  /** The chunk id the caller gave (the object id also carries the version). */
  chunk_id: string;
  /** Content version of the document this chunk belongs to; readers see only the head's. */
  version: string;
  /** ms since the epoch, so abandoned versions can be collected once no writer can still be busy. */
  written_at: number;
  /**
   * The shared analyzer's terms of title and content, space-separated: what keyword search sees.
   * Weaviate's own tokenizers do not stem, so BM25 runs on this property with the analyzed query.
   */
  terms: string;
};

/** One per document: which version readers see. Replacing it is the atomic switch. */
export type HeadProperties = {
  namespace: string;
  document_id: string;
  version: string;
  chunks: number;
};

const keyword = {
  dataType: "text" as const,
  tokenization: "field" as const,
  indexSearchable: false,
};
const unindexed = { dataType: "text" as const, indexFilterable: false, indexSearchable: false };

const chunkProperties: PropertyConfigCreate<ChunkProperties>[] = [
  { name: "content", dataType: "text" as const, tokenization: "word" as const },
  { name: "title", dataType: "text" as const, tokenization: "word" as const },
  { name: "document_id", ...keyword },
  { name: "namespace", ...keyword },
  { name: "source", ...keyword },
  { name: "type", ...keyword },
  { name: "chunk_index", dataType: "int" as const },
  { name: "metadata_json", ...unindexed },
  { name: "chunk_id", ...unindexed },
  { name: "version", ...keyword },
  { name: "written_at", dataType: "int" as const },
  { name: "terms", dataType: "text" as const, tokenization: "whitespace" as const },
];

export function headCollectionName(chunkCollection: string): string {
  return `${chunkCollection}Head`;
}

export interface SchemaTarget {
  /** The chunk collection; its head collection is named after it. */
  name: string;
  httpUrl: string;
  timeoutSeconds: number;
}

/**
 * Creates the chunk and head collections when missing; adds properties a collection of an older
 * release lacks. Every start runs this, and both collections are there nearly always: one read of
 * the whole schema answers for both, where the client's `exists` and `config.get` take three
 * requests and parse every setting of the collection.
 */
export async function ensureCollections(
  client: WeaviateClient,
  target: SchemaTarget,
): Promise<void> {
  const { name } = target;
  const classes = await schemaProperties(client, target);
  const chunkCollection = classes.get(name);
  if (chunkCollection === undefined) await createChunkCollection(client, name);
  else await addMissingProperties(client, name, chunkCollection);
  if (!classes.has(headCollectionName(name)))
    await createUnlessCreated(client, headCollectionName(name), () =>
      client.collections.create<HeadProperties>({
        name: headCollectionName(name),
        properties: [
          { name: "namespace", ...keyword },
          { name: "document_id", ...keyword },
          { name: "version", ...keyword },
          { name: "chunks", dataType: "int" },
        ],
      }),
    );
}

/** Each collection's property names, from one GET /v1/schema with the client's own credentials. */
async function schemaProperties(
  client: WeaviateClient,
  { httpUrl, timeoutSeconds }: SchemaTarget,
): Promise<Map<string, Set<string>>> {
  const { bearerToken, headers } = await client.getConnectionDetails();
  const response = await fetch(new URL("/v1/schema", httpUrl), {
    headers: { ...headers, ...(bearerToken ? { Authorization: bearerToken } : {}) },
    signal: AbortSignal.timeout(timeoutSeconds * 1000),
  });
  if (!response.ok)
    throw new Error(
      `Weaviate answered GET /v1/schema with ${response.status}: ${await response.text()}`,
    );
  const schema = (await response.json()) as {
    classes?: { class: string; properties?: { name: string }[] }[];
  };
  return new Map(
    (schema.classes ?? []).map((c) => [c.class, new Set((c.properties ?? []).map((p) => p.name))]),
  );
}

async function createChunkCollection(client: WeaviateClient, name: string): Promise<void> {
  const created = await createUnlessCreated(client, name, () =>
    client.collections.create<ChunkProperties>({
      name,
      vectorizers: weaviate.configure.vectors.selfProvided({
        vectorIndexConfig: weaviate.configure.vectorIndex.hnsw({ distanceMetric: "cosine" }),
      }),
      // The analyzer already removed stopwords; Weaviate's "en" preset would drop a few more terms.
      invertedIndex: weaviate.configure.invertedIndex({
        stopwordsPreset: "none",
        bm25k1: BM25_DEFAULTS.k1,
        bm25b: BM25_DEFAULTS.b,
      }),
      properties: chunkProperties,
    }),
  );
  // Another instance, maybe of an older release, created it first.
  if (!created) {
    const { properties } = await client.collections.get(name).config.get();
    await addMissingProperties(client, name, new Set(properties.map((p) => p.name)));
  }
}

async function addMissingProperties(
  client: WeaviateClient,
  name: string,
  existing: Set<string>,
): Promise<void> {
  for (const property of chunkProperties.filter((p) => !existing.has(p.name)))
    await client.collections.get(name).config.addProperty(property);
}

/** False when another instance created the collection between our read and our create. */
async function createUnlessCreated(
  client: WeaviateClient,
  name: string,
  create: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (error) {
    if (!(await client.collections.exists(name))) throw error;
    return false;
  }
}
