import { mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { removeOnExit } from "./exit-cleanup.ts";

/** Where heavy downloads and builds are kept between runs: jars, the Weaviate binary, the moto venv. */
export function stackCacheDir(...parts: string[]): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "knative-rag", ...parts);
}

/** A fresh temp dir for one server's data and log; kept across stop/start, removed when the process exits. */
export function serverTempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `knative-rag-stack-${name}-`));
  removeOnExit(dir);
  return dir;
}
