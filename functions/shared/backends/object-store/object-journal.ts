import { type FileHandle, open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import {
  isRunning,
  writeFileAtomic,
  writeFileDurablyInPlace,
  writeFileVisibleSync,
} from "../../runtime/atomic-file.ts";
import { isNotFound, listOrEmpty } from "../../runtime/fs.ts";
import { GroupCommitLog } from "../../runtime/group-commit-log.ts";

const EXTENSION = ".journal";
/** Files fsync'd at once by a checkpoint: enough for the kernel to merge them, few enough to leave the thread pool to requests. */
const SYNC_CONCURRENCY = 2;
const SMALL_FILE_BYTES = 64 * 1024;

export interface JournaledWrite {
  /** The object's key, as recorded in the journal. */
  key: string;
  /** Where the object's file is. */
  path: string;
  data: Uint8Array;
  /**
   * The file is written by the next checkpoint, not now: for objects only this process reads,
   * which `deferred` answers until then. A key is written either always deferred or never.
   */
  deferFile?: boolean;
}

/** The writes of one checkpoint interval: their files are fsync'd together, then their journal segments go. */
interface Epoch {
  paths: Set<string>;
  /** Those of `paths` whose file the checkpoint writes. */
  deferred: Set<string>;
  inFlight: number;
  idle?: () => void;
}

/**
 * Makes a file store's writes durable by group commit instead of one fsync per file: a write is
 * appended (path and bytes) to a journal whose concurrent appends share one fdatasync, and the
 * file itself is written without fsync (whole for readers at once through the rename). About once
 * a second a checkpoint fsyncs the files written since the last one, a few at a time in the
 * background, and deletes the journal segments that held them. A start-up replays the segments
 * that a process which no longer runs left behind (a crash before its checkpoint).
 */
export class ObjectJournal {
  private readonly log: GroupCommitLog;
  /** Segments created since the last checkpoint began. */
  private segments: string[] = [];
  private epoch: Epoch = newEpoch();
  /** The latest bytes of each deferred write whose file is not written yet. */
  private readonly unwritten = new Map<string, Uint8Array>();
  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointing: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly logError: (error: unknown) => void,
    private readonly checkpointMs = 1000,
  ) {
    this.log = new GroupCommitLog({
      dir,
      extension: EXTENSION,
      maxSegmentBytes: 64 * 1024 * 1024,
      onSegment: (name) => this.segments.push(name),
    });
  }

  /** Writes `data` to `path` and resolves once the write is durable (in the journal) and visible (the file). */
  async write(write: JournaledWrite): Promise<void> {
    const epoch = this.epoch;
    epoch.paths.add(write.path);
    if (write.deferFile) {
      epoch.deferred.add(write.path);
      this.unwritten.set(write.path, write.data);
    }
    epoch.inFlight++;
    try {
      const durable = this.log.append(frame(write));
      // A failed put may still be restored from the journal later, as a timed-out S3 put may land.
      await Promise.all([durable, write.deferFile ? undefined : writeSmallOrLarge(write)]);
    } finally {
      if (--epoch.inFlight === 0) epoch.idle?.();
    }
    this.checkpointTimer ??= setTimeout(() => void this.checkpoint(), this.checkpointMs).unref();
  }

  /** The bytes of a deferred write whose file the next checkpoint writes, if there is one. */
  deferred(path: string): Uint8Array | undefined {
    return this.unwritten.get(path);
  }

  /** Replays what dead writers left (fsync'd file by file), oldest first; returns how many objects it restored. */
  async recover(resolvePath: (key: string) => string): Promise<number> {
    let restored = 0;
    for (const name of (await listOrEmpty(this.dir)).filter((n) => n.endsWith(EXTENSION)).sort()) {
      const pid = Number(name.split("-")[1]);
      if (pid !== process.pid && isRunning(pid)) continue;
      for (const record of parseJournal(await readFile(join(this.dir, name)))) {
        await writeFileAtomic(resolvePath(record.key), record.data);
        restored++;
      }
      await unlink(join(this.dir, name));
    }
    return restored;
  }

  /** Makes everything written so far durable in place and drops the journal that held it. */
  checkpoint(): Promise<void> {
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    this.checkpointing = (this.checkpointing ?? Promise.resolve()).then(() => this.runCheckpoint());
    return this.checkpointing;
  }

  async close(): Promise<void> {
    await this.checkpoint();
    await this.log.close();
  }

  private async runCheckpoint(): Promise<void> {
    const epoch = this.epoch;
    const segments = this.segments;
    this.epoch = newEpoch();
    this.segments = [];
    if (segments.length === 0 && epoch.paths.size === 0) return;
    // Later writes go to a new segment, so the ones taken here hold only this epoch's records.
    this.log.roll();
    if (epoch.inFlight > 0) await new Promise<void>((resolve) => (epoch.idle = resolve));
    const written = new Map<string, Uint8Array>();
    for (const path of epoch.deferred) {
      const data = this.unwritten.get(path);
      if (data !== undefined) written.set(path, data); // else an earlier checkpoint wrote the latest
    }
    try {
      const paths = [...epoch.paths];
      await Promise.all(
        Array.from({ length: SYNC_CONCURRENCY }, async () => {
          for (let path = paths.pop(); path !== undefined; path = paths.pop()) {
            const data = written.get(path);
            // A deferred object in place: no other process reads it, this one reads it from memory
            // until the write is durable, and the journal's replay replaces a torn file.
            await (data === undefined ? syncFile(path) : writeFileDurablyInPlace(path, data));
          }
        }),
      );
      for (const segment of segments)
        await unlink(join(this.dir, segment)).catch((error: unknown) =>
          isNotFound(error) ? undefined : Promise.reject(error),
        );
      // Read from the file from now on, unless a newer deferred write came in meanwhile.
      for (const [path, data] of written)
        if (this.unwritten.get(path) === data) this.unwritten.delete(path);
    } catch (error) {
      // The journal stays (a restart replays it) and the next checkpoint tries these files again.
      for (const path of epoch.paths) this.epoch.paths.add(path);
      for (const path of epoch.deferred) this.epoch.deferred.add(path);
      this.segments.unshift(...segments);
      this.logError(error);
    }
  }
}

function newEpoch(): Epoch {
  return { paths: new Set(), deferred: new Set(), inFlight: 0 };
}

/** Small files on this thread (cheaper than a thread-pool round trip), large ones off it. */
async function writeSmallOrLarge(write: JournaledWrite): Promise<void> {
  if (write.data.byteLength <= SMALL_FILE_BYTES) writeFileVisibleSync(write.path, write.data);
  else await writeFileAtomic(write.path, write.data, { sync: false });
}

async function syncFile(path: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A record: one line of JSON (the key and the byte length), the bytes, a newline. */
function frame(write: JournaledWrite): Buffer {
  const header = Buffer.from(
    `${JSON.stringify({ key: write.key, bytes: write.data.byteLength })}\n`,
  );
  return Buffer.concat([header, write.data, Buffer.from("\n")]);
}

/** The records of a segment, up to a torn tail (a crash mid-append, never acknowledged). */
export function parseJournal(bytes: Buffer): { key: string; data: Buffer }[] {
  const records: { key: string; data: Buffer }[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const end = bytes.indexOf(10, offset);
    if (end < 0) break;
    let header: { key?: unknown; bytes?: unknown };
    try {
      header = JSON.parse(bytes.subarray(offset, end).toString("utf8")) as typeof header;
    } catch {
      break;
    }
    if (typeof header.key !== "string" || typeof header.bytes !== "number") break;
    const start = end + 1;
    if (start + header.bytes + 1 > bytes.length || bytes[start + header.bytes] !== 10) break;
    records.push({ key: header.key, data: bytes.subarray(start, start + header.bytes) });
    offset = start + header.bytes + 1;
  }
  return records;
}
