import { mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../../runtime/atomic-file.ts";
import { isNotFound } from "../object-store/filesystem.ts";
import type { IndexState } from "./index-state.ts";

/**
 * Index state as small files under `<dataDir>/index-state/<namespace>/`, shared by the local
 * processes. Generation bumps are read-modify-write: fine for the single index-document process
 * of the local stack; the cluster uses Redis INCR instead.
 */
export class FileIndexState implements IndexState {
  readonly system = "filesystem";
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, "index-state");
  }

  async generation(namespace: string): Promise<number> {
    const text = await this.read(join(namespace, "generation"));
    return text === undefined ? 0 : Number.parseInt(text, 10) || 0;
  }

  async bumpGeneration(namespace: string): Promise<number> {
    const next = (await this.generation(namespace)) + 1;
    await writeFileAtomic(join(this.root, namespace, "generation"), String(next));
    return next;
  }

  async indexedDocument(namespace: string, sha256: string): Promise<string | undefined> {
    return this.read(join(namespace, "indexed", sha256));
  }

  async markIndexed(namespace: string, sha256: string, documentId: string): Promise<void> {
    await writeFileAtomic(join(this.root, namespace, "indexed", sha256), documentId);
  }

  async ready(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  async close(): Promise<void> {}

  private async read(relative: string): Promise<string | undefined> {
    try {
      return (await readFile(join(this.root, relative), "utf8")).trim();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
