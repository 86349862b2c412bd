import { mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { storageName } from "../../domain/document.ts";
import { removeOrphanedTempFiles, writeFileAtomic } from "../../runtime/atomic-file.ts";
import { KeyedLock } from "../../runtime/keyed-lock.ts";
import { isNotFound } from "../../runtime/fs.ts";
import { compareVersions, type IndexedVersion, type IndexState } from "./index-state.ts";

interface DocumentRecord extends IndexedVersion {
  document_id: string;
}

// Shared by every instance in the process, keyed by absolute path.
const lock = new KeyedLock();

/**
 * Index state as small files under `<dataDir>/index-state/<namespace>/`: `generation`, and one
 * `documents/<hash of the id>.json` per document (the id kept inside). Read-modify-writes are
 * serialised per file within the process (one lock for all instances): fine for the single
 * index-document process of the local stack; the cluster uses Redis (INCR and a compare-and-set script) instead.
 */
export class FileIndexState implements IndexState {
  readonly system = "filesystem";
  private readonly root: string;
  private orphansRemoved: Promise<number> | undefined;
  private readonly bumps = new Map<
    string,
    { running: Promise<number>; queued?: Promise<number> }
  >();

  constructor(dataDir: string) {
    this.root = resolve(dataDir, "index-state");
  }

  async generation(namespace: string): Promise<number> {
    const text = await this.read(join(namespace, "generation"));
    return text === undefined ? 0 : Number.parseInt(text, 10) || 0;
  }

  /**
   * A bump promises only a generation above the one before the call. So callers that arrive while
   * a bump is being written share the next one (which starts after they called): one fsync'd
   * write per wave of concurrently indexed documents instead of one each, in a row.
   */
  bumpGeneration(namespace: string): Promise<number> {
    const entry = this.bumps.get(namespace);
    if (!entry) return this.startBump(namespace);
    entry.queued ??= entry.running.catch(() => 0).then(() => this.startBump(namespace));
    return entry.queued;
  }

  private startBump(namespace: string): Promise<number> {
    const running = lock.run(join(this.root, namespace, "generation"), async () => {
      const next = (await this.generation(namespace)) + 1;
      await writeFileAtomic(join(this.root, namespace, "generation"), String(next));
      return next;
    });
    const entry: { running: Promise<number>; queued?: Promise<number> } = { running };
    this.bumps.set(namespace, entry);
    const forget = () => {
      if (this.bumps.get(namespace) === entry) this.bumps.delete(namespace);
    };
    running.then(forget, forget);
    return running;
  }

  async indexedVersion(namespace: string, documentId: string): Promise<IndexedVersion | undefined> {
    const text = await this.read(this.documentFile(namespace, documentId));
    if (text === undefined) return undefined;
    const record = JSON.parse(text) as DocumentRecord;
    return { version: record.version, sha256: record.sha256 };
  }

  markIndexed(
    namespace: string,
    documentId: string,
    indexed: IndexedVersion,
  ): Promise<IndexedVersion> {
    const file = this.documentFile(namespace, documentId);
    return lock.run(join(this.root, file), async () => {
      const current = await this.indexedVersion(namespace, documentId);
      if (current && compareVersions(current, indexed) >= 0) return current;
      const record: DocumentRecord = {
        document_id: documentId,
        version: indexed.version,
        sha256: indexed.sha256,
      };
      await writeFileAtomic(join(this.root, file), JSON.stringify(record));
      return { version: indexed.version, sha256: indexed.sha256 };
    });
  }

  async ready(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    // A killed writer's temporary files harm nobody: removed in the background, since scanning a
    // large store would hold up every start-up.
    this.orphansRemoved ??= removeOrphanedTempFiles(this.root);
  }

  async close(): Promise<void> {}

  private documentFile(namespace: string, documentId: string): string {
    return join(namespace, "documents", `${storageName(documentId)}.json`);
  }

  private async read(relative: string): Promise<string | undefined> {
    try {
      return (await readFile(join(this.root, relative), "utf8")).trim();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
