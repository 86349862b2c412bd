import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, open, readdir, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isNotFound } from "./fs.ts";

// `<file>.<writer pid>-<random>.tmp`: the pid tells a dead writer's leftovers from a live one's.
const TEMP_NAME = /\.(\d+)-[0-9a-f]+\.tmp$/;

export interface WriteOptions {
  /**
   * fsync before the rename (default). Without it the file is whole for every reader at once but
   * only as durable as the page cache: for a caller that keeps its own durable copy (a journal).
   */
  sync?: boolean;
}

/**
 * Write-then-rename, with fsync, so readers in other processes never see a half-written file.
 * A write that fails (disk full, …) removes its temporary file. The folder is created on demand.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): Promise<void> {
  const temp = `${path}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  try {
    const handle = await openForWriting(temp);
    try {
      await handle.writeFile(data);
      if (options.sync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Writes and fsyncs `path` in place, without a temporary file: only for a file no other process
 * reads while it is written, and whose torn state after a crash something else repairs.
 */
export async function writeFileDurablyInPlace(path: string, data: Uint8Array): Promise<void> {
  const handle = await openForWriting(path);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Most writes go to a folder that exists: create it only when the open says it is missing. */
async function openForWriting(path: string) {
  try {
    return await open(path, "w");
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await mkdir(dirname(path), { recursive: true });
    return open(path, "w");
  }
}

/**
 * writeFileAtomic without fsync, on the calling thread: for small files whose durability a journal
 * provides. A page-cache write and a rename take microseconds, less than a thread-pool round trip.
 */
export function writeFileVisibleSync(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  try {
    try {
      writeFileSync(temp, data);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(temp, data);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Removes the temporary files under `dir` of writers that no longer run (killed mid-write):
 * what a `kill -9` leaves behind. Returns how many it removed; never throws.
 */
export async function removeOrphanedTempFiles(dir: string): Promise<number> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).map(String);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    await unlink(join(dir, name)).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

/** Whether a process with this id runs (one of another user counts). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
