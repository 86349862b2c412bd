import type { EmbeddedChunk, SearchHit, SearchMode } from "../../domain/chunk.ts";

export interface SearchQuery {
  namespace: string;
  mode: SearchMode;
  text: string;
  /** Required for "vector" and "hybrid". */
  vector?: number[] | undefined;
  /** Distinct documents to return, each as its best chunk. */
  topK: number;
  /** Chunks per document: 1 = the best only; more adds the next best as `more_chunks`. */
  chunksPerDocument?: number | undefined;
  /** Hybrid weight: 0 = keyword only, 1 = vector only. */
  alpha: number;
}

export interface NamespaceStats {
  namespace: string;
  documents: number;
  chunks: number;
}

/**
 * Chunks with their vectors, searchable by vector, keyword (BM25 over the shared analyzer's terms)
 * and hybrid; a search returns distinct documents, each represented by its best chunk.
 * Scores, higher is better: vector = cosine similarity; keyword = BM25;
 * hybrid = relative score fusion, alpha·vector + (1−alpha)·keyword after min-max scaling, in [0, 1].
 */
export interface VectorStore {
  /** `db.system` value. */
  readonly system: string;
  /** Makes `chunks` the document's whole content: upserts by deterministic id, drops chunks beyond them. */
  replaceDocument(namespace: string, documentId: string, chunks: EmbeddedChunk[]): Promise<void>;
  deleteDocument(namespace: string, documentId: string): Promise<void>;
  search(query: SearchQuery): Promise<SearchHit[]>;
  namespaces(): Promise<NamespaceStats[]>;
  ready(): Promise<void>;
  close(): Promise<void>;
}
