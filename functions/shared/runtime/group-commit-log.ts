import { mkdir, open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

export interface GroupCommitLogOptions {
  dir: string;
  /** Segment file names end with this, e.g. ".jsonl". */
  extension: string;
  /** A segment is closed once it holds this many bytes; the next append starts a new one. */
  maxSegmentBytes?: number;
  /** Told each segment's name before the file is created (so a folder scan never mistakes it for a stranger's). */
  onSegment?: (name: string) => void;
  /** Told, before any append of the batch resolves, that `records` more records are durable in `segment`. */
  onCommit?: (segment: string, records: number) => void;
}

interface Waiting {
  data: Buffer;
  resolve: (segment: string) => void;
  reject: (error: unknown) => void;
}

interface Segment {
  name: string;
  handle: FileHandle;
  bytes: number;
  /** The number of roll() calls before it was opened: a later roll() retires it. */
  rolls: number;
}

/**
 * Appends records to segment files so that concurrent appends share one write and one fdatasync
 * (group commit): `append` resolves once its record is durable, with the segment it is in.
 * A segment is only ever appended to by this process and is never reopened after a restart, so a
 * crash can only tear its last record; a failed write closes the segment (its tail may be torn)
 * and the next append starts a new one. Readers must stop at a torn last record.
 */
export class GroupCommitLog {
  private queue: Waiting[] = [];
  private current: Segment | undefined;
  private flushing: Promise<void> | undefined;
  private sequence = 0;
  private rolls = 0;
  /** The segment being created: it is about to become the open one. */
  private opening: string | undefined;

  constructor(private readonly options: GroupCommitLogOptions) {}

  append(data: Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ data, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** The segment appends currently go to, if one is open. */
  get currentSegment(): string | undefined {
    return this.current?.name;
  }

  /** The next append starts a new segment (also when one is being created right now). */
  roll(): void {
    this.rolls++;
  }

  /**
   * Closes `segment` if it is the open one and nothing is being written, so its owner may delete
   * it; true when it is closed (or was never the open one).
   */
  async retire(segment: string): Promise<boolean> {
    if (this.opening === segment) return false;
    if (this.current?.name !== segment) return true;
    if (this.flushing || this.queue.length > 0) return false;
    const closing = this.current;
    this.current = undefined;
    await closing.handle.close().catch(() => undefined);
    return true;
  }

  async close(): Promise<void> {
    await this.flushing;
    const closing = this.current;
    this.current = undefined;
    await closing?.handle.close().catch(() => undefined);
  }

  /** Never throws: a failed batch rejects its own appends. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        const segment = await this.segmentFor();
        const data = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((w) => w.data));
        await segment.handle.write(data);
        segment.bytes += data.length;
        await segment.handle.datasync();
        if (segment.bytes >= (this.options.maxSegmentBytes ?? 4 * 1024 * 1024)) this.roll();
        this.options.onCommit?.(segment.name, batch.length);
        for (const waiting of batch) waiting.resolve(segment.name);
      } catch (error) {
        await this.abandonSegment();
        for (const waiting of batch) waiting.reject(error);
      }
    }
    // In the same turn as the last resolve, before any appender's continuation runs: an append
    // made by one of them must start a new flush.
    this.flushing = undefined;
  }

  private async segmentFor(): Promise<Segment> {
    if (this.current && this.current.rolls !== this.rolls) await this.abandonSegment();
    if (this.current) return this.current;
    const name = `${Date.now().toString().padStart(15, "0")}-${process.pid}-${(this.sequence++).toString().padStart(6, "0")}${this.options.extension}`;
    const rolls = this.rolls;
    this.opening = name;
    try {
      this.options.onSegment?.(name);
      await mkdir(this.options.dir, { recursive: true });
      const handle = await open(join(this.options.dir, name), "a");
      try {
        // The new name must be as durable as the records: fsync the folder once per segment.
        await syncFolder(this.options.dir);
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw error;
      }
      this.current = { name, handle, bytes: 0, rolls };
      return this.current;
    } finally {
      this.opening = undefined;
    }
  }

  private async abandonSegment(): Promise<void> {
    const closing = this.current;
    this.current = undefined;
    await closing?.handle.close().catch(() => undefined);
  }
}

export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
