import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { EmbeddedChunk, SearchHit } from "../../domain/chunk.ts";
import { NAMESPACE_PATTERN, storageName } from "../../domain/document.ts";
import { removeOrphanedTempFiles, writeFileAtomic } from "../../runtime/atomic-file.ts";
import { isNotFound, listOrEmpty } from "../../runtime/fs.ts";
import { type Analyzer, createAnalyzer } from "../../domain/analyzer.ts";
import { ChunkSearchIndex } from "./search-index.ts";
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
  index: ChunkSearchIndex;
}

/**
 * The embedded vector store: one JSON file per document under `<dataDir>/vectors/<namespace>/`,
 * replaced atomically, so index-document (writer) and search (reader) can be separate processes.
 * A reader keeps an in-memory snapshot per namespace and reloads only the files that changed
 * whenever the directory's mtime moves. Ranking is ChunkSearchIndex's: exact cosine, BM25 over
 * the analyzer's terms, hybrid with pseudo-relevance feedback and relative score fusion.
 */
export class EmbeddedVectorStore implements VectorStore {
  readonly system = "embedded";
  private readonly root: string;
  private orphansRemoved: Promise<number> | undefined;
  private readonly snapshots = new Map<string, NamespaceSnapshot>();

  constructor(
    dataDir: string,
    private readonly analyzer: Analyzer = createAnalyzer("english"),
    private readonly onCorruptFile: (file: string, error: unknown) => void = () => undefined,
  ) {
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
    return snapshot.index.search({ ...query, chunksPerDocument: query.chunksPerDocument ?? 1 });
  }

  async namespaces(): Promise<NamespaceStats[]> {
    const names = (await listOrEmpty(this.root)).filter((n) => NAMESPACE_PATTERN.test(n)).sort();
    const stats: NamespaceStats[] = [];
    for (const namespace of names) {
      const snapshot = await this.snapshot(namespace);
      if (!snapshot || snapshot.files.size === 0) continue;
      stats.push({ namespace, documents: snapshot.files.size, chunks: snapshot.index.chunks.length });
    }
    return stats;
  }

  async ready(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await (this.orphansRemoved ??= removeOrphanedTempFiles(this.root));
  }

  async close(): Promise<void> {
    this.snapshots.clear();
  }

  private documentPath(namespace: string, documentId: string): string {
    return join(this.root, namespace, `${storageName(documentId)}.json`);
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
    const snapshot = await loadSnapshot(dir, dirMtimeNs, cached?.files ?? new Map(), this.analyzer, (name, error) =>
      this.onCorruptFile(join("vectors", namespace, name), error),
    );
    this.snapshots.set(namespace, snapshot);
    return snapshot;
  }
}

/** A file that cannot be read as a document (truncated, hand-edited) is skipped, never fatal. */
async function loadSnapshot(
  dir: string,
  dirMtimeNs: bigint,
  previous: Map<string, LoadedFile>,
  analyzer: Analyzer,
  onCorruptFile: (name: string, error: unknown) => void,
): Promise<NamespaceSnapshot> {
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
      const chunks = parseDocumentFile(await readFile(path, "utf8"));
      if (chunks instanceof Error) {
        onCorruptFile(name, chunks);
        continue;
      }
      files.set(name, { mtimeNs, chunks });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const chunks = [...files.values()].flatMap((f) => f.chunks);
  return { dirMtimeNs, files, index: new ChunkSearchIndex(chunks, analyzer) };
}

function parseDocumentFile(text: string): EmbeddedChunk[] | Error {
  try {
    const parsed = JSON.parse(text) as Partial<DocumentFile>;
    const valid =
      Array.isArray(parsed.chunks) &&
      parsed.chunks.every((c) => typeof c?.id === "string" && typeof c.content === "string" && Array.isArray(c.vector) && typeof c.metadata === "object");
    return valid ? parsed.chunks! : new Error("not a vector document file");
  } catch (error) {
    return error as Error;
  }
}
