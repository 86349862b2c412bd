import { statSync } from "node:fs";
import { mkdir, open, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { removeOrphanedTempFiles } from "../../runtime/atomic-file.ts";
import { isNotFound } from "../../runtime/fs.ts";
import { DependencyRejected } from "../../runtime/dependency-error.ts";
import { ObjectJournal } from "./object-journal.ts";
import {
  ObjectTooLarge,
  type GetOptions,
  type ObjectStore,
  type PutOptions,
} from "./object-store.ts";

/** Errors that say the key can never name a file here (a directory, a name too long, NUL), not that the disk failed. */
const KEY_ERRORS = new Set([
  "EISDIR",
  "ENOTDIR",
  "ENAMETOOLONG",
  "ERR_INVALID_ARG_VALUE",
  "ERR_INVALID_ARG_TYPE",
]);

export interface FilesystemObjectStoreOptions {
  /** Told when a checkpoint could not make writes durable in place (the journal keeps them). */
  logError?: (error: unknown) => void;
  /** How long after a write its checkpoint starts. */
  checkpointMs?: number;
  /**
   * A reader (index-document): it never replays the writer's journal, which only the writer may do
   * before its own next write — a reader replaying a dead writer's journal while a restarted writer
   * writes would put older receipts back over newer ones.
   */
  readOnly?: boolean;
}

/**
 * Objects as files under `<dataDir>/objects/<bucket>/<key>`, written atomically (write, rename).
 * Durable by group commit: concurrent puts share one fdatasync of a journal under
 * `<dataDir>/journal/objects/<bucket>/`, and a checkpoint about once a second fsyncs the files
 * (writing those of `writerOnly` puts, read back from memory until then) and drops the journal;
 * a start-up replays what a killed writer's journal holds. One writing process per bucket
 * (ingest); any number of readers (`readOnly`).
 */
export class FilesystemObjectStore implements ObjectStore {
  readonly system = "filesystem";
  private readonly root: string;
  private readonly journal: ObjectJournal;
  private recovered: Promise<void> | undefined;
  private orphansRemoved: Promise<number> | undefined;

  private readonly readOnly: boolean;

  constructor(
    dataDir: string,
    readonly bucket: string,
    options: FilesystemObjectStoreOptions = {},
  ) {
    this.root = resolve(dataDir, "objects", bucket);
    this.readOnly = options.readOnly ?? false;
    this.journal = new ObjectJournal(
      resolve(dataDir, "journal", "objects", bucket),
      options.logError ?? (() => undefined),
      options.checkpointMs ?? 1000,
    );
  }

  async put(
    key: string,
    body: string | Uint8Array,
    _contentType?: string,
    options: PutOptions = {},
  ): Promise<void> {
    if (this.readOnly) throw new Error(`object store ${this.bucket} is opened read-only`);
    try {
      const path = this.pathOf(key);
      await this.recover();
      await this.journal.write({
        key,
        path,
        data: typeof body === "string" ? Buffer.from(body, "utf8") : body,
        deferFile: options.writerOnly === true,
      });
    } catch (error) {
      throw await this.keyError(error);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array | undefined> {
    try {
      const path = this.pathOf(key);
      const deferred = this.journal.deferred(path);
      if (deferred !== undefined) {
        if (options.maxBytes !== undefined && deferred.byteLength > options.maxBytes)
          throw new ObjectTooLarge(key, options.maxBytes);
        return Uint8Array.from(deferred);
      }
      // A missing key (every new document's receipt) without a thread-pool round trip or an error.
      if (statSync(path, { throwIfNoEntry: false }) === undefined) return undefined;
      const file = await open(path);
      try {
        const { size } = await file.stat();
        if (options.maxBytes !== undefined && size > options.maxBytes)
          throw new ObjectTooLarge(key, options.maxBytes);
        return await file.readFile();
      } finally {
        await file.close();
      }
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw await this.keyError(error);
    }
  }

  async ready(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    if (this.readOnly) return;
    await this.recover();
    // A killed writer's temporary files harm nobody: removed in the background, since scanning a
    // large store would hold up every start-up.
    this.orphansRemoved ??= removeOrphanedTempFiles(this.root);
  }

  async close(): Promise<void> {
    await this.journal.close();
  }

  /** Once per process, before its first write: what a killed writer's journal holds goes back in place. */
  private recover(): Promise<void> {
    this.recovered ??= this.journal
      .recover((key) => this.pathOf(key))
      .then(
        () => undefined,
        (error: unknown) => {
          this.recovered = undefined; // tried again by the next write or readiness check
          throw error;
        },
      );
    return this.recovered;
  }

  /** The key's fault (permanent) only while the bucket itself is a usable directory; else the store's. */
  private async keyError(error: unknown): Promise<unknown> {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === undefined || !KEY_ERRORS.has(code)) return error;
    const bucketUsable = await stat(this.root).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!bucketUsable) return error;
    return new DependencyRejected("object-store", `the object key cannot name a file (${code})`, {
      cause: error,
    });
  }

  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (key.includes("\0") || !path.startsWith(this.root + sep))
      throw new DependencyRejected(
        "object-store",
        "the object key is not a file name inside the bucket",
      );
    return path;
  }
}
