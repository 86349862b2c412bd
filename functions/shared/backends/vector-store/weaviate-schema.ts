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

/** Creates the chunk and head collections when missing; adds properties a collection of an older release lacks. */
export async function ensureCollections(client: WeaviateClient, name: string): Promise<void> {
  await createIfMissing(client, name, () =>
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
  const existing = new Set(
    (await client.collections.get(name).config.get()).properties.map((p) => p.name),
  );
  for (const property of chunkProperties.filter((p) => !existing.has(p.name))) {
    await client.collections.get(name).config.addProperty(property);
  }
  await createIfMissing(client, headCollectionName(name), () =>
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

async function createIfMissing(
  client: WeaviateClient,
  name: string,
  create: () => Promise<unknown>,
): Promise<void> {
  if (await client.collections.exists(name)) return;
  try {
    await create();
  } catch (error) {
    // Another instance created it between our check and our create.
    if (!(await client.collections.exists(name))) throw error;
  }
}
