import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Collection } from "./collection.ts";

/** Pinned so that every run compares against the same reference. */
const PACKAGES = ["bm25s==0.3.16", "PyStemmer==3.1.0"];
export const REFERENCE_PARAMETERS = { k1: 1.2, b: 0.75 };

/** A dev-only virtualenv under ~/.cache/knative-rag, created on first use from PyPI. */
export function referenceVirtualenv(): string {
  const venv = join(homedir(), ".cache", "knative-rag", "eval-venv");
  const python = join(venv, "bin", "python");
  const marker = join(venv, `.installed-${PACKAGES.join("_").replace(/[^a-zA-Z0-9_.]/g, "")}`);
  if (existsSync(marker)) return python;
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    if (result.status !== 0)
      throw new Error(
        `${command} ${args.join(" ")} failed (exit ${result.status}); the reference BM25 needs python3 with venv and pip`,
      );
  };
  console.error(`eval: installing the reference BM25 (${PACKAGES.join(", ")}) into ${venv}`);
  if (!existsSync(python)) run("python3", ["-m", "venv", venv]);
  run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...PACKAGES]);
  spawnSync("touch", [marker]);
  return python;
}

export interface ReferenceRun {
  version: string;
  rankings: Map<string, string[]>;
}

/** Ranks every query of the collection with bm25s over exactly the text the pipeline ingests. */
export async function runReferenceBm25(
  collection: Collection,
  documentText: (d: Collection["documents"][number]) => string,
  k: number,
): Promise<ReferenceRun> {
  const python = referenceVirtualenv();
  const child = spawn(python, [join(import.meta.dirname, "reference_bm25.py")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const output: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.stdin.end(
    JSON.stringify({
      documents: collection.documents.map((d) => ({ id: d.id, text: documentText(d) })),
      queries: collection.queries.map((q) => ({ id: q.id, text: q.text })),
      k,
      ...REFERENCE_PARAMETERS,
    }),
  );
  const code = await exited;
  if (code !== 0) throw new Error(`reference BM25 exited with ${code}`);
  const parsed = JSON.parse(Buffer.concat(output).toString("utf8")) as {
    rankings: Record<string, string[]>;
    version: string;
  };
  return { version: parsed.version, rankings: new Map(Object.entries(parsed.rankings)) };
}
