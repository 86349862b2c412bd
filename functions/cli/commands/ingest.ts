import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join, relative, resolve } from "node:path";
import cliProgress from "cli-progress";
import { apiKeyHeader } from "../api-key.ts";

const DOCUMENT_EXTENSIONS = new Set([".md", ".markdown", ".txt", ".text"]);

export interface IngestOptions {
  ingestUrl: string;
  namespace: string;
  quiet?: boolean;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  failed: { path: string; error: string }[];
}

/** Ingests files, folders (recursively, markdown and text files) or `-` (standard input). */
export async function ingestPaths(paths: string[], options: IngestOptions): Promise<IngestResult> {
  const result: IngestResult = { accepted: 0, duplicates: 0, failed: [] };
  if (paths.length === 1 && paths[0] === "-") {
    const text = await readStdin();
    const response = await postDocument(options, text, { title: "stdin", type: "text" }, undefined);
    console.log(JSON.stringify(response, null, 2));
    result.accepted++;
    return result;
  }
  const files = (await Promise.all(paths.map((p) => collectFiles(resolve(p))))).flat();
  if (files.length === 0) throw new Error(`no .md or .txt files under ${paths.join(", ")}`);
  const bar =
    !options.quiet && files.length > 1
      ? new cliProgress.SingleBar({ format: "ingest [{bar}] {value}/{total} {file}", hideCursor: true }, cliProgress.Presets.shades_classic)
      : undefined;
  bar?.start(files.length, 0, { file: "" });
  const base = resolve(paths.length === 1 && (await stat(resolve(paths[0]!))).isDirectory() ? paths[0]! : ".");
  for (const file of files) {
    const rel = relative(base, file) || basename(file);
    bar?.increment(0, { file: rel });
    try {
      const text = await readFile(file, "utf8");
      const type = extname(file).startsWith(".m") ? "markdown" : "text";
      const title = firstHeading(text) ?? basename(file, extname(file));
      const response = await postDocument(options, text, { title, source: rel, type }, rel);
      if (response.duplicate) result.duplicates++;
      else result.accepted++;
      if (!bar && !options.quiet) console.log(`${rel}: ${response.duplicate ? "unchanged" : "accepted"} as ${response.document_id}`);
    } catch (error) {
      result.failed.push({ path: rel, error: error instanceof Error ? error.message : String(error) });
    }
    bar?.increment(1);
  }
  bar?.stop();
  if (!options.quiet) {
    console.log(`${result.accepted} accepted, ${result.duplicates} unchanged, ${result.failed.length} failed`);
    for (const failure of result.failed) console.error(`  ${failure.path}: ${failure.error}`);
  }
  return result;
}

interface Accepted {
  document_id: string;
  duplicate: boolean;
}

async function postDocument(options: IngestOptions, text: string, metadata: Record<string, string>, path: string | undefined): Promise<Accepted> {
  const response = await fetch(new URL("/ingest", options.ingestUrl), {
    method: "POST",
    headers: { "content-type": "application/json", ...apiKeyHeader(), ...(path ? { "idempotency-key": `file:${path}` } : {}) },
    body: JSON.stringify({ text, metadata, namespace: options.namespace }),
  });
  const body = (await response.json()) as Accepted & { error?: string };
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${body.error ?? JSON.stringify(body)}`);
  return body;
}

async function collectFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => !e.name.startsWith("."))
      .map((e) => (e.isDirectory() ? collectFiles(join(path, e.name)) : DOCUMENT_EXTENSIONS.has(extname(e.name).toLowerCase()) ? [join(path, e.name)] : [])),
  );
  return nested.flat().sort();
}

function firstHeading(text: string): string | undefined {
  return /^#\s+(.+)$/m.exec(text)?.[1]?.trim();
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
