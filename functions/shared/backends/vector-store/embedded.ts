import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import MiniSearch from "minisearch";
import type { EmbeddedChunk, SearchHit } from "../../domain/chunk.ts";
import { NAMESPACE_PATTERN } from "../../domain/document.ts";
import { writeFileAtomic } from "../../runtime/atomic-file.ts";
import { isNotFound } from "../object-store/filesystem.ts";
import { tokenize } from "../embedder/hashing.ts";
import { relativeScoreFusion } from "./relative-score-fusion.ts";
import type { NamespaceStats, SearchQuery, VectorStore } from "./vector-store.ts";

interface DocumentFile {
  document_id: string;
  chunks: EmbeddedChunk[];
}

interface LoadedFile {
  mtimeNs: bigint;
  chunks: EmbeddedChunk[];
}

interface NamespaceSnapshot {
  dirMtimeNs: bigint;
  files: Map<string, LoadedFile>;
  chunks: EmbeddedChunk[];
  /** All vectors, unit-normalised, row after row: a dot product is the cosine similarity. */
  matrix: Float32Array;
  dimensions: number;
  keywordIndex: MiniSearch<EmbeddedChunk>;
}

/**
 * The embedded vector store: one JSON file per document under `<dataDir>/vectors/<namespace>/`,
 * replaced atomically, so index-document (writer) and search (reader) can be separate processes.
 * A reader keeps an in-memory snapshot per namespace and reloads only the files that changed
 * whenever the directory's mtime moves. Vector search is exact (brute-force cosine);
 * keyword search is BM25 by MiniSearch; hybrid is relative score fusion of the two.
 */
export class EmbeddedVectorStore implements VectorStore {
  readonly system = "embedded";
  private readonly root: string;
  private readonly snapshots = new Map<string, NamespaceSnapshot>();

  constructor(dataDir: string) {
    this.root = resolve(dataDir, "vectors");
  }

  async replaceDocument(namespace: string, documentId: string, chunks: EmbeddedChunk[]): Promise<void> {
    const file: DocumentFile = {
      document_id: documentId,
      chunks: chunks.map((c) => ({ ...c, vector: c.vector.map((v) => Math.round(v * 1e7) / 1e7) })),
    };
    await writeFileAtomic(this.documentPath(namespace, documentId), JSON.stringify(file));
  }

  async deleteDocument(namespace: string, documentId: string): Promise<void> {
    await rm(this.documentPath(namespace, documentId), { force: true });
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const snapshot = await this.snapshot(query.namespace);
    if (!snapshot) return [];
    const candidates = query.mode === "hybrid" ? Math.max(query.topK * 4, 50) : query.topK;
    const vectorHits = query.mode === "keyword" ? [] : vectorSearch(snapshot, requireVector(query), candidates);
    const keywordHits = query.mode === "vector" ? [] : keywordSearch(snapshot, query.text, candidates);
    if (query.mode === "vector") return vectorHits;
    if (query.mode === "keyword") return keywordHits;
    return relativeScoreFusion(vectorHits, keywordHits, query.alpha, query.topK);
  }

  async namespaces(): Promise<NamespaceStats[]> {
    const names = (await listOrEmpty(this.root)).filter((n) => NAMESPACE_PATTERN.test(n)).sort();
    const stats: NamespaceStats[] = [];
    for (const namespace of names) {
      const snapshot = await this.snapshot(namespace);
      if (!snapshot || snapshot.files.size === 0) continue;
      stats.push({ namespace, documents: snapshot.files.size, chunks: snapshot.chunks.length });
    }
    return stats;
  }

  async ready(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  async close(): Promise<void> {
    this.snapshots.clear();
  }

  private documentPath(namespace: string, documentId: string): string {
    return join(this.root, namespace, `${encodeURIComponent(documentId)}.json`);
  }

  private async snapshot(namespace: string): Promise<NamespaceSnapshot | undefined> {
    const dir = join(this.root, namespace);
    let dirMtimeNs: bigint;
    try {
      dirMtimeNs = (await stat(dir, { bigint: true })).mtimeNs;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const cached = this.snapshots.get(namespace);
    if (cached && cached.dirMtimeNs === dirMtimeNs) return cached;
    const snapshot = await loadSnapshot(dir, dirMtimeNs, cached?.files ?? new Map());
    this.snapshots.set(namespace, snapshot);
    return snapshot;
  }
}

async function loadSnapshot(dir: string, dirMtimeNs: bigint, previous: Map<string, LoadedFile>): Promise<NamespaceSnapshot> {
  const files = new Map<string, LoadedFile>();
  for (const name of await listOrEmpty(dir)) {
    if (!name.endsWith(".json")) continue;
    const path = join(dir, name);
    try {
      const mtimeNs = (await stat(path, { bigint: true })).mtimeNs;
      const known = previous.get(name);
      if (known && known.mtimeNs === mtimeNs) {
        files.set(name, known);
        continue;
      }
      const parsed = JSON.parse(await readFile(path, "utf8")) as DocumentFile;
      files.set(name, { mtimeNs, chunks: parsed.chunks });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const chunks = [...files.values()].flatMap((f) => f.chunks);
  const dimensions = chunks[0]?.vector.length ?? 0;
  const matrix = new Float32Array(chunks.length * dimensions);
  chunks.forEach((chunk, row) => {
    const norm = Math.sqrt(chunk.vector.reduce((sum, v) => sum + v * v, 0)) || 1;
    for (let d = 0; d < dimensions; d++) matrix[row * dimensions + d] = (chunk.vector[d] ?? 0) / norm;
  });
  const keywordIndex = new MiniSearch<EmbeddedChunk>({
    fields: ["content", "title"],
    extractField: (chunk, field) => (field === "title" ? (chunk.metadata.title ?? "") : (chunk as unknown as Record<string, string>)[field]!),
    tokenize: (text) => tokenize(text),
  });
  keywordIndex.addAll(chunks);
  return { dirMtimeNs, files, chunks, matrix, dimensions, keywordIndex };
}

function vectorSearch(snapshot: NamespaceSnapshot, vector: number[], limit: number): SearchHit[] {
  const { matrix, dimensions, chunks } = snapshot;
  const queryNorm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  if (chunks.length > 0 && vector.length !== dimensions) {
    throw new Error(`query vector has ${vector.length} dimensions but the indexed vectors have ${dimensions}; re-index after changing the embedder`);
  }
  if (queryNorm === 0) return [];
  const query = Float32Array.from(vector, (v) => v / queryNorm);
  // Keep the best `limit` rows in a small sorted array instead of sorting every row.
  const best: { row: number; score: number }[] = [];
  for (let row = 0; row < chunks.length; row++) {
    let dot = 0;
    const offset = row * dimensions;
    for (let d = 0; d < dimensions; d++) dot += matrix[offset + d]! * query[d]!;
    if (best.length === limit && dot <= best[best.length - 1]!.score) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < dot) at--;
    best.splice(at, 0, { row, score: dot });
    if (best.length > limit) best.pop();
  }
  return best.map(({ row, score }) => toHit(chunks[row]!, score));
}

function keywordSearch(snapshot: NamespaceSnapshot, text: string, limit: number): SearchHit[] {
  const byId = new Map(snapshot.chunks.map((c) => [c.id, c]));
  return snapshot.keywordIndex
    .search(text, { combineWith: "OR", boost: { title: 2 } })
    .slice(0, limit)
    .map((result) => toHit(byId.get(result.id as string)!, result.score));
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

function requireVector(query: SearchQuery): number[] {
  if (!query.vector) throw new Error(`${query.mode} search needs a query vector`);
  return query.vector;
}

async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
