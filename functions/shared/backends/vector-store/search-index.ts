import { MatchQuery } from "@lancedb/lancedb";
import type { Analyzer } from "../../domain/analyzer.ts";
import { chunkKeywordScore, termFrequencies } from "../../domain/bm25.ts";
import type { SearchHit, SearchMode } from "../../domain/chunk.ts";
import { expandQuery, FEEDBACK_DEFAULTS } from "../../domain/pseudo-relevance-feedback.ts";
import { best, relativeScoreFusion } from "../../domain/score-fusion.ts";
import { type ChunkRow, type NamespaceTables, sqlString, unitVector } from "./lance-tables.ts";

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
/** Nearest chunks fetched per wanted document: a document may own several of the nearest. */
const CHUNKS_PER_CANDIDATE = 3;
/**
 * Of a namespace with a vector index (lance-tables.ts), the nearest `limit × REFINE_FACTOR` by the
 * index's codes are re-ranked by their stored vectors: the similarities returned are exact.
 */
const REFINE_FACTOR = 3;
/** Documents each clause of a weighted keyword query ranks before the clauses are summed. */
const CLAUSE_CANDIDATES = 500;
/**
 * The same for hybrid's expanded query, whose keyword list is fused with the nearest documents:
 * fewer per clause halves a hybrid query's time at 100k chunks for the same CISI quality.
 */
const EXPANDED_CLAUSE_CANDIDATES = 150;

/**
 * Ranks the documents of one namespace's LanceDB tables (lance-tables.ts):
 * - keyword: LanceDB's BM25 over each document's analyzed terms, a query term's weight as its boost;
 * - vector: LanceDB's nearest chunks by cosine (the dot product of the stored unit vectors: a third
 *   of the time of LanceDB's own cosine), a document scoring as its most similar chunk;
 * - hybrid: keyword with pseudo-relevance feedback, fused with vector by relative score fusion.
 * A document is represented by its best chunk: for keyword and hybrid the one whose terms match
 * the (expanded) query best, ties and vector mode by cosine.
 */
export class NamespaceSearch {
  constructor(
    private readonly tables: NamespaceTables,
    private readonly analyzer: Analyzer,
  ) {}

  async search(query: IndexQuery): Promise<SearchHit[]> {
    if (query.mode === "vector") {
      const { documents, chunks } = await this.nearest(
        this.queryVector(query.vector),
        query.topK * Math.max(CHUNKS_PER_CANDIDATE, query.chunksPerDocument),
      );
      return this.shape(best(documents, query.topK), chunks, undefined, query.chunksPerDocument);
    }
    const queryTerms = this.analyzer.terms(query.text);
    const weights = termFrequencies(queryTerms);
    if (query.mode === "keyword") {
      const ranked = await this.keywordDocuments(weights, query.topK);
      return this.shape(ranked, new Map(), weights, query.chunksPerDocument);
    }
    const unit = this.queryVector(query.vector);
    const [firstPass, similar] = await Promise.all([
      this.keywordDocuments(weights, FEEDBACK_DEFAULTS.documents),
      this.nearest(unit, FUSION_CANDIDATES * CHUNKS_PER_CANDIDATE),
    ]);
    const expanded = expandQuery(queryTerms, await this.documentTerms(firstPass));
    const keyword = await this.keywordDocuments(
      expanded,
      FUSION_CANDIDATES,
      EXPANDED_CLAUSE_CANDIDATES,
    );
    const fused = relativeScoreFusion(
      best(similar.documents, FUSION_CANDIDATES),
      keyword,
      query.alpha,
    );
    return this.shape(best(fused, query.topK), similar.chunks, expanded, query.chunksPerDocument);
  }

  /**
   * BM25 per document, best first. LanceDB counts a repeated query term once and ignores a clause's
   * boost on rows written since its index was last updated, so each distinct weight is its own
   * unboosted query, weighted and summed here; a document outside one query's first
   * `clauseCandidates` gets nothing from that query.
   */
  private async keywordDocuments(
    weights: ReadonlyMap<string, number>,
    limit: number,
    clauseCandidates = CLAUSE_CANDIDATES,
  ): Promise<Map<string, number>> {
    const byWeight = new Map<number, string[]>();
    for (const [term, weight] of weights)
      byWeight.set(weight, [...(byWeight.get(weight) ?? []), term]);
    const perClause = byWeight.size === 1 ? limit : Math.max(limit, clauseCandidates);
    const lists = await Promise.all(
      [...byWeight].map(async ([weight, terms]) => {
        const rows = (await this.tables.documents
          .search(new MatchQuery(terms.join(" "), "terms"), "fts")
          .select(["document_id", "_score"])
          .limit(perClause)
          .toArray()) as { document_id: string; _score: number }[];
        return rows.map((r) => [r.document_id, weight * r._score] as const);
      }),
    );
    const scores = new Map<string, number>();
    for (const [documentId, score] of lists.flat())
      scores.set(documentId, (scores.get(documentId) ?? 0) + score);
    return best(scores, limit);
  }

  /** The analyzed terms of documents, for pseudo-relevance feedback. */
  private async documentTerms(
    ranked: ReadonlyMap<string, number>,
  ): Promise<{ terms: string[]; score: number }[]> {
    if (ranked.size === 0) return [];
    const rows = (await this.tables.documents
      .query()
      .where(`document_id IN (${[...ranked.keys()].map(sqlString).join(", ")})`)
      .select(["document_id", "terms"])
      .toArray()) as { document_id: string; terms: string }[];
    const terms = new Map(rows.map((r) => [r.document_id, r.terms.split(" ")]));
    return [...ranked].map(([documentId, score]) => ({
      terms: terms.get(documentId) ?? [],
      score,
    }));
  }

  /** The `limit` chunks nearest by cosine: each one's similarity, and each document's best. */
  private async nearest(
    unit: Float32Array,
    limit: number,
  ): Promise<{ documents: Map<string, number>; chunks: Map<string, number> }> {
    const rows = (await this.tables.chunks
      .vectorSearch(unit)
      .distanceType("dot")
      .refineFactor(REFINE_FACTOR)
      .select(["id", "document_id", "_distance"])
      .limit(limit)
      .toArray()) as {
      id: string;
      document_id: string;
      _distance: number;
    }[];
    const documents = new Map<string, number>();
    const chunks = new Map<string, number>();
    for (const row of rows) {
      const similarity = 1 - row._distance;
      chunks.set(row.id, similarity);
      if (similarity > 0 && !documents.has(row.document_id))
        documents.set(row.document_id, similarity);
    }
    return { documents, chunks };
  }

  private queryVector(vector: readonly number[] | undefined): Float32Array {
    if (!vector) throw new Error("vector and hybrid search need a query vector");
    if (vector.length !== this.tables.dimensions) {
      throw new Error(
        `query vector has ${vector.length} dimensions but the indexed vectors have ${this.tables.dimensions}; re-index after changing the embedder`,
      );
    }
    return unitVector(vector);
  }

  /**
   * One hit per ranked document: its best chunk, with the document's score; optionally its next
   * best chunks. Chunks are ordered by `weights` (keyword, hybrid), then by cosine (`similarity`
   * holds the nearest chunks'; a chunk not among them counts as 0).
   */
  private async shape(
    ranked: Map<string, number>,
    similarity: ReadonlyMap<string, number>,
    weights: ReadonlyMap<string, number> | undefined,
    chunksPerDocument: number,
  ): Promise<SearchHit[]> {
    if (ranked.size === 0) return [];
    const rows = (await this.tables.chunks
      .query()
      .where(`document_id IN (${[...ranked.keys()].map(sqlString).join(", ")})`)
      .select(["id", "document_id", "chunk_index", "content", "metadata", "terms"])
      .toArray()) as Omit<ChunkRow, "vector">[];
    const byDocument = new Map<
      string,
      { row: (typeof rows)[number]; score: number; tie: number }[]
    >();
    for (const row of rows) {
      const cosine = similarity.get(row.id) ?? 0;
      const scored = weights
        ? { row, score: chunkKeywordScore(row.terms, weights), tie: cosine }
        : { row, score: cosine, tie: 0 };
      byDocument.set(row.document_id, [...(byDocument.get(row.document_id) ?? []), scored]);
    }
    const hits: SearchHit[] = [];
    for (const [documentId, score] of ranked) {
      const chunks = (byDocument.get(documentId) ?? []).sort(
        (a, b) => b.score - a.score || b.tie - a.tie || a.row.chunk_index - b.row.chunk_index,
      );
      const top = chunks[0];
      if (!top) continue; // written to the documents table, its chunks since deleted
      const hit: SearchHit = {
        id: top.row.id,
        document_id: documentId,
        chunk_index: top.row.chunk_index,
        content: top.row.content,
        score,
        metadata: JSON.parse(top.row.metadata),
      };
      const more = chunks.slice(1, chunksPerDocument).filter((c) => c.score > 0 || c.tie > 0);
      if (more.length > 0)
        hit.more_chunks = more.map((c) => ({
          id: c.row.id,
          chunk_index: c.row.chunk_index,
          content: c.row.content,
          score: c.score,
        }));
      hits.push(hit);
    }
    return hits;
  }
}
