import { mkdir, open, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { writeFileAtomic } from "../../runtime/atomic-file.ts";
import { ObjectTooLarge, type GetOptions, type ObjectStore } from "./object-store.ts";

/** Objects as files under `<dataDir>/objects/<bucket>/<key>`, written atomically. */
export class FilesystemObjectStore implements ObjectStore {
  readonly system = "filesystem";
  private readonly root: string;

  constructor(dataDir: string, readonly bucket: string) {
    this.root = resolve(dataDir, "objects", bucket);
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    await writeFileAtomic(this.pathOf(key), body);
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array | undefined> {
    try {
      const file = await open(this.pathOf(key));
      try {
        const { size } = await file.stat();
        if (options.maxBytes !== undefined && size > options.maxBytes) throw new ObjectTooLarge(key, options.maxBytes);
        return await file.readFile();
      } finally {
        await file.close();
      }
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.pathOf(key));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async ready(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (!path.startsWith(this.root + sep)) throw new Error(`object key escapes the bucket: ${key}`);
    return path;
  }
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}
