import type { DocumentMetadata } from "./document.ts";

export interface Chunk {
  id: string;
  document_id: string;
  namespace: string;
  chunk_index: number;
  content: string;
  metadata: DocumentMetadata;
}

export interface EmbeddedChunk extends Chunk {
  vector: number[];
}

export type SearchMode = "hybrid" | "vector" | "keyword";

/** One search result; `score` is higher-is-better and comparable within a mode. */
export interface SearchHit {
  id: string;
  document_id: string;
  chunk_index: number;
  content: string;
  score: number;
  metadata: DocumentMetadata;
  /** The document's other matching chunks, best first, when more than one per document was asked for. */
  more_chunks?: { id: string; chunk_index: number; content: string; score: number }[];
}
