// search-index.ts's query algorithm on the SQLite candidate (bench/sqlite-store.ts), for the bench:
// the same modes, candidate counts and domain code (BM25 clauses per distinct weight, nearest
// chunks → documents, pseudo-relevance feedback, relative score fusion, the chunks of the hits).
// node:sqlite is synchronous, so hybrid's first keyword pass and nearest chunks run one after the
// other, where LanceDB runs them in parallel.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { IndexQuery } from "../functions/shared/backends/vector-store/search-index.ts";
import type { Analyzer } from "../functions/shared/domain/analyzer.ts";
import { chunkKeywordScore, termFrequencies } from "../functions/shared/domain/bm25.ts";
import type { SearchHit } from "../functions/shared/domain/chunk.ts";
import {
  expandQuery,
  FEEDBACK_DEFAULTS,
} from "../functions/shared/domain/pseudo-relevance-feedback.ts";
import { best, relativeScoreFusion } from "../functions/shared/domain/score-fusion.ts";
import { blob } from "./sqlite-store.ts";

// As in search-index.ts.
const FUSION_CANDIDATES = 100;
const CHUNKS_PER_CANDIDATE = 3;
const CLAUSE_CANDIDATES = 500;
const EXPANDED_CLAUSE_CANDIDATES = 150;

/**
 * How the nearest chunks are found: a scan of every float vector, or a scan of their int8 or bit
 * copies whose nearest `limit × refine` are re-ranked by the float vectors (exact similarities).
 * Measured at 20k chunks (bench): the coarse scans cost more than the float scan for hybrid's 300
 * nearest (sqlite-vec keeps the `k` best sorted as it scans, so a larger k costs more), and the
 * bit copies of the hashing embedder's vectors reach recall@10 of only 0.10; float is the default.
 */
export type VectorScan = "float" | "int8" | "bit";
export const REFINE: Record<VectorScan, number> = { float: 1, int8: 3, bit: 10 };
const COARSE = {
  int8: "small MATCH vec_quantize_int8(?, 'unit')",
  bit: "coarse MATCH vec_quantize_binary(?)",
};

type Row = Record<string, unknown>;

export class SqliteSearch {
  private readonly statements: Record<"clause" | "terms" | "nearest" | "chunks", StatementSync>;

  constructor(
    db: DatabaseSync,
    private readonly analyzer: Analyzer,
    private readonly scan: VectorScan = "float",
  ) {
    const ids = "SELECT value FROM json_each(?)";
    this.statements = {
      clause: db.prepare(
        `WITH ranked AS (SELECT rowid, rank FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?)
         SELECT d.document_id, -ranked.rank AS score FROM ranked JOIN documents d ON d.rowid = ranked.rowid`,
      ),
      terms: db.prepare(`SELECT document_id, terms FROM documents WHERE document_id IN (${ids})`),
      nearest: db.prepare(
        scan === "float"
          ? `WITH knn AS (SELECT rowid, distance FROM vectors WHERE embedding MATCH ? AND k = ?)
             SELECT c.id, c.document_id, knn.distance FROM knn JOIN chunks c ON c.rowid = knn.rowid`
          : `WITH knn AS (SELECT rowid FROM vectors WHERE ${COARSE[scan]} AND k = ?)
             SELECT c.id, c.document_id, c.vector FROM knn JOIN chunks c ON c.rowid = knn.rowid`,
      ),
      chunks: db.prepare(
        `SELECT id, document_id, chunk_index, content, metadata, terms FROM chunks WHERE document_id IN (${ids})`,
      ),
    };
  }

  search(query: IndexQuery): SearchHit[] {
    const unit = query.vector ? unitVector(query.vector) : undefined;
    if (query.mode === "vector") {
      const { documents, chunks } = this.nearest(
        unit!,
        query.topK * Math.max(CHUNKS_PER_CANDIDATE, query.chunksPerDocument),
      );
      return this.shape(best(documents, query.topK), chunks, undefined, query.chunksPerDocument);
    }
    const queryTerms = this.analyzer.terms(query.text);
    const weights = termFrequencies(queryTerms);
    if (query.mode === "keyword")
      return this.shape(
        this.keywordDocuments(weights, query.topK),
        new Map(),
        weights,
        query.chunksPerDocument,
      );
    const firstPass = this.keywordDocuments(weights, FEEDBACK_DEFAULTS.documents);
    const similar = this.nearest(unit!, FUSION_CANDIDATES * CHUNKS_PER_CANDIDATE);
    const expanded = expandQuery(queryTerms, this.documentTerms(firstPass));
    const keyword = this.keywordDocuments(expanded, FUSION_CANDIDATES, EXPANDED_CLAUSE_CANDIDATES);
    const fused = relativeScoreFusion(
      best(similar.documents, FUSION_CANDIDATES),
      keyword,
      query.alpha,
    );
    return this.shape(best(fused, query.topK), similar.chunks, expanded, query.chunksPerDocument);
  }

  /** BM25 per document (FTS5's, negated: it ranks best as most negative), one query per distinct weight. */
  private keywordDocuments(
    weights: ReadonlyMap<string, number>,
    limit: number,
    clauseCandidates = CLAUSE_CANDIDATES,
  ): Map<string, number> {
    const byWeight = new Map<number, string[]>();
    for (const [term, weight] of weights)
      byWeight.set(weight, [...(byWeight.get(weight) ?? []), term]);
    const perClause = byWeight.size === 1 ? limit : Math.max(limit, clauseCandidates);
    const scores = new Map<string, number>();
    for (const [weight, terms] of byWeight) {
      // The analyzer's terms hold no double quote, so each is one quoted FTS5 string.
      const match = terms.map((term) => `"${term}"`).join(" OR ");
      for (const row of this.statements.clause.all(match, perClause) as Row[]) {
        const id = row.document_id as string;
        scores.set(id, (scores.get(id) ?? 0) + weight * (row.score as number));
      }
    }
    return best(scores, limit);
  }

  private documentTerms(ranked: ReadonlyMap<string, number>): { terms: string[]; score: number }[] {
    const rows = this.statements.terms.all(JSON.stringify([...ranked.keys()])) as Row[];
    const terms = new Map(
      rows.map((r) => [r.document_id as string, (r.terms as string).split(" ")]),
    );
    return [...ranked].map(([documentId, score]) => ({
      terms: terms.get(documentId) ?? [],
      score,
    }));
  }

  /**
   * The `limit` chunks nearest by cosine (of unit vectors: 1 − L2²/2 from the float scan, the dot
   * product when re-ranking a coarse scan's), and each document's best.
   */
  nearest(
    unit: Float32Array,
    limit: number,
  ): { documents: Map<string, number>; chunks: Map<string, number> } {
    const query = blob(unit);
    const scored = (
      this.statements.nearest.all(query, BigInt(limit * REFINE[this.scan])) as Row[]
    ).map((row) => {
      const distance = row.distance as number | undefined;
      const similarity =
        distance === undefined
          ? dot(unit, row.vector as Uint8Array)
          : 1 - (distance * distance) / 2;
      return { id: row.id as string, documentId: row.document_id as string, similarity };
    });
    const documents = new Map<string, number>();
    const chunks = new Map<string, number>();
    for (const row of scored.sort((a, b) => b.similarity - a.similarity).slice(0, limit)) {
      chunks.set(row.id, row.similarity);
      if (row.similarity > 0 && !documents.has(row.documentId))
        documents.set(row.documentId, row.similarity);
    }
    return { documents, chunks };
  }

  /** As search-index.ts's shape: each ranked document's best chunk, then its next best. */
  private shape(
    ranked: Map<string, number>,
    similarity: ReadonlyMap<string, number>,
    weights: ReadonlyMap<string, number> | undefined,
    chunksPerDocument: number,
  ): SearchHit[] {
    if (ranked.size === 0) return [];
    const byDocument = new Map<string, { row: Row; score: number; tie: number }[]>();
    for (const row of this.statements.chunks.all(JSON.stringify([...ranked.keys()])) as Row[]) {
      const cosine = similarity.get(row.id as string) ?? 0;
      const scored = weights
        ? { row, score: chunkKeywordScore(row.terms as string, weights), tie: cosine }
        : { row, score: cosine, tie: 0 };
      const documentId = row.document_id as string;
      byDocument.set(documentId, [...(byDocument.get(documentId) ?? []), scored]);
    }
    const hits: SearchHit[] = [];
    for (const [documentId, score] of ranked) {
      const chunks = (byDocument.get(documentId) ?? []).sort(
        (a, b) =>
          b.score - a.score ||
          b.tie - a.tie ||
          (a.row.chunk_index as number) - (b.row.chunk_index as number),
      );
      const top = chunks[0];
      if (!top) continue;
      const hit: SearchHit = {
        id: top.row.id as string,
        document_id: documentId,
        chunk_index: top.row.chunk_index as number,
        content: top.row.content as string,
        score,
        metadata: JSON.parse(top.row.metadata as string),
      };
      const more = chunks.slice(1, chunksPerDocument).filter((c) => c.score > 0 || c.tie > 0);
      if (more.length > 0)
        hit.more_chunks = more.map((c) => ({
          id: c.row.id as string,
          chunk_index: c.row.chunk_index as number,
          content: c.row.content as string,
          score: c.score,
        }));
      hits.push(hit);
    }
    return hits;
  }
}

/** lance-tables.ts's unitVector: importing that module loads apache-arrow, into SQLite's open time. */
function unitVector(vector: readonly number[]): Float32Array {
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
  return Float32Array.from(vector, (v) => v / norm);
}

/** The dot product of a vector with one stored as float32 bytes. */
function dot(vector: Float32Array, stored: Uint8Array): number {
  const floats = new Float32Array(
    stored.byteOffset % 4 === 0 ? stored.buffer : stored.slice().buffer,
    stored.byteOffset % 4 === 0 ? stored.byteOffset : 0,
    vector.length,
  );
  let sum = 0;
  for (let d = 0; d < vector.length; d++) sum += vector[d]! * floats[d]!;
  return sum;
}
