import type { Analyzer } from "../../domain/analyzer.ts";
import { Bm25Index, termFrequencies } from "../../domain/bm25.ts";
import type { EmbeddedChunk, SearchHit, SearchMode } from "../../domain/chunk.ts";
import { expandQuery, FEEDBACK_DEFAULTS } from "../../domain/pseudo-relevance-feedback.ts";
import { best, relativeScoreFusion } from "../../domain/score-fusion.ts";

export interface IndexQuery {
  mode: SearchMode;
  text: string;
  vector?: readonly number[] | undefined;
  /** Distinct documents to return. */
  topK: number;
  alpha: number;
  chunksPerDocument: number;
}

/** How many documents of each list hybrid fuses. */
const FUSION_CANDIDATES = 100;

interface IndexedDocument {
  rows: number[];
  terms: string[];
}

/**
 * The in-memory index of one namespace, ranking documents, not chunks:
 * - keyword: BM25 over each document's analyzed title and content (document statistics, as a
 *   search engine indexes a document), represented by its best-matching chunk;
 * - vector: exact cosine (one Float32Array of unit vectors; a dot product is the cosine), a
 *   document scoring as its most similar chunk;
 * - hybrid: keyword with pseudo-relevance feedback, fused with vector by relative score fusion.
 */
export class ChunkSearchIndex {
  private readonly matrix: Float32Array;
  readonly dimensions: number;
  /** Term frequencies of each chunk, to pick a document's best chunk. */
  private readonly chunkTermCounts: Map<string, number>[];
  private readonly documents: IndexedDocument[] = [];
  private readonly bm25 = new Bm25Index();

  constructor(
    readonly chunks: readonly EmbeddedChunk[],
    private readonly analyzer: Analyzer,
  ) {
    this.dimensions = chunks[0]?.vector.length ?? 0;
    const dimensions = this.dimensions;
    this.matrix = new Float32Array(chunks.length * dimensions);
    const byDocument = new Map<string, IndexedDocument>();
    this.chunkTermCounts = chunks.map((chunk, row) => {
      const norm = Math.sqrt(chunk.vector.reduce((sum, v) => sum + v * v, 0)) || 1;
      for (let d = 0; d < dimensions; d++) this.matrix[row * dimensions + d] = (chunk.vector[d] ?? 0) / norm;
      let document = byDocument.get(chunk.document_id);
      if (!document) {
        byDocument.set(chunk.document_id, (document = { rows: [], terms: analyzer.terms(chunk.metadata.title ?? "") }));
        this.documents.push(document);
      }
      document.rows.push(row);
      const terms = analyzer.terms(chunk.content);
      document.terms.push(...terms);
      return termFrequencies(terms);
    });
    for (const document of this.documents) this.bm25.add(document.terms);
  }

  search(query: IndexQuery): SearchHit[] {
    if (query.mode === "vector") {
      const similarity = this.cosines(query.vector);
      return this.shape(best(this.documentMaxima(similarity), query.topK), (row) => similarity[row]!, query.chunksPerDocument);
    }
    const queryTerms = this.analyzer.terms(query.text);
    const weights = termFrequencies(queryTerms);
    const keyword = this.bm25.scoreWeighted(weights);
    if (query.mode === "keyword") {
      return this.shape(best(keyword, query.topK), (row) => this.chunkKeywordScore(row, weights), query.chunksPerDocument);
    }
    const firstPass = [...best(keyword, FEEDBACK_DEFAULTS.documents)].map(([document, score]) => ({ terms: this.documents[document]!.terms, score }));
    const expanded = expandQuery(queryTerms, firstPass);
    const similarity = this.cosines(query.vector);
    const fused = relativeScoreFusion(best(this.documentMaxima(similarity), FUSION_CANDIDATES), best(this.bm25.scoreWeighted(expanded), FUSION_CANDIDATES), query.alpha);
    // A document's best chunk is the one that matches the expanded query best, then the most similar.
    return this.shape(best(fused, query.topK), (row) => this.chunkKeywordScore(row, expanded), query.chunksPerDocument, (row) => similarity[row]!);
  }

  /** Cosine similarity of every chunk to the query vector. */
  private cosines(vector: readonly number[] | undefined): Float32Array {
    if (!vector) throw new Error("vector and hybrid search need a query vector");
    const { matrix, dimensions, chunks } = this;
    if (chunks.length > 0 && vector.length !== dimensions) {
      throw new Error(`query vector has ${vector.length} dimensions but the indexed vectors have ${dimensions}; re-index after changing the embedder`);
    }
    const similarity = new Float32Array(chunks.length);
    const queryNorm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
    if (queryNorm === 0) return similarity;
    const query = Float32Array.from(vector, (v) => v / queryNorm);
    for (let row = 0; row < chunks.length; row++) {
      let dot = 0;
      const offset = row * dimensions;
      for (let d = 0; d < dimensions; d++) dot += matrix[offset + d]! * query[d]!;
      similarity[row] = dot;
    }
    return similarity;
  }

  private documentMaxima(similarity: Float32Array): Map<number, number> {
    const maxima = new Map<number, number>();
    this.documents.forEach((document, index) => {
      let max = -Infinity;
      for (const row of document.rows) max = Math.max(max, similarity[row]!);
      if (max > 0) maxima.set(index, max);
    });
    return maxima;
  }

  /** BM25's term weights on one chunk, with the document statistics (no length norm: only to pick a chunk). */
  private chunkKeywordScore(row: number, weights: ReadonlyMap<string, number>): number {
    const counts = this.chunkTermCounts[row]!;
    let score = 0;
    for (const [term, weight] of weights) {
      const tf = counts.get(term);
      if (tf) score += weight * this.bm25.unnormalizedTermScore(term, tf);
    }
    return score;
  }

  /** One hit per ranked document: its best chunk, with the document's score; optionally its next best chunks. */
  private shape(ranked: Map<number, number>, chunkScore: (row: number) => number, chunksPerDocument: number, tieBreak: (row: number) => number = () => 0): SearchHit[] {
    return [...ranked].map(([index, score]) => {
      const rows = this.documents[index]!.rows
        .map((row) => ({ row, score: chunkScore(row), tie: tieBreak(row) }))
        .sort((a, b) => b.score - a.score || b.tie - a.tie || a.row - b.row);
      const hit = toHit(this.chunks[rows[0]!.row]!, score);
      const more = rows.slice(1, chunksPerDocument).filter((r) => r.score > 0 || r.tie > 0);
      if (more.length > 0) hit.more_chunks = more.map((r) => ({ id: this.chunks[r.row]!.id, chunk_index: this.chunks[r.row]!.chunk_index, content: this.chunks[r.row]!.content, score: r.score }));
      return hit;
    });
  }
}

function toHit(chunk: EmbeddedChunk, score: number): SearchHit {
  return {
    id: chunk.id,
    document_id: chunk.document_id,
    chunk_index: chunk.chunk_index,
    content: chunk.content,
    score,
    metadata: chunk.metadata,
  };
}
