import { hc } from "hono/client";
import type { IngestAccepted, IngestApp } from "../../functions/ingest/app.ts";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join, relative, resolve } from "node:path";
import cliProgress from "cli-progress";
import { apiKeyHeader } from "../api-key.ts";
import { failure } from "../failure.ts";
import { type ComeBackOptions, comingBackFetch } from "../retry-after.ts";

const DOCUMENT_EXTENSIONS = new Set([".md", ".markdown", ".txt", ".text"]);

export interface IngestOptions {
  ingestUrl: string;
  namespace: string;
  quiet?: boolean;
  /** How 429/503 answers (ingest's backpressure) are waited out. */
  retry?: ComeBackOptions;
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
    const response = await postDocument(
      options,
      await readStdin(),
      { title: "stdin", type: "text" },
      undefined,
    );
    if (response.duplicate) result.duplicates++;
    else result.accepted++;
    if (!options.quiet) {
      console.log(
        `stdin: ${response.duplicate ? "unchanged" : "accepted"} as ${response.document_id}`,
      );
      printSummary(result);
    }
    return result;
  }
  const collected = await Promise.all(paths.map((p) => collectFiles(resolve(p))));
  const files = collected.flatMap((c) => c.files);
  const skipped = collected.reduce((sum, c) => sum + c.skipped, 0);
  const skippedNote =
    skipped > 0
      ? `${skipped} other file(s) skipped: only ${[...DOCUMENT_EXTENSIONS].join(" ")} files are documents`
      : "";
  if (files.length === 0)
    throw new Error(
      `no ${[...DOCUMENT_EXTENSIONS].join(" ")} files under ${paths.join(", ")}${skipped > 0 ? ` (${skipped} other file(s))` : ""}`,
    );
  const bar =
    !options.quiet && files.length > 1
      ? new cliProgress.SingleBar(
          { format: "ingest [{bar}] {value}/{total} {file}", hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(files.length, 0, { file: "" });
  const base = resolve(
    paths.length === 1 && (await stat(resolve(paths[0]!))).isDirectory() ? paths[0]! : ".",
  );
  for (const file of files) {
    const rel = relative(base, file) || basename(file);
    bar?.increment(0, { file: rel });
    try {
      const text = await readFile(file, "utf8");
      const type = extname(file).startsWith(".m") ? "markdown" : "text";
      const title = firstHeading(text) ?? basename(file, extname(file));
      const waiting = (status: number, ms: number) => {
        const note = `ingest answered ${status}, sending again in ${Math.ceil(ms / 1000)} s`;
        if (bar) bar.update({ file: `${rel} (${note})` });
        else if (!options.quiet) console.error(`${rel}: ${note}`);
      };
      const response = await postDocument(
        { ...options, retry: { onWait: waiting, ...options.retry } },
        text,
        { title, source: rel, type },
        rel,
      );
      if (response.duplicate) result.duplicates++;
      else result.accepted++;
      if (!bar && !options.quiet)
        console.log(
          `${rel}: ${response.duplicate ? "unchanged" : "accepted"} as ${response.document_id}`,
        );
    } catch (error) {
      result.failed.push({
        path: rel,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    bar?.increment(1);
  }
  bar?.stop();
  if (!options.quiet) {
    printSummary(result);
    if (skippedNote) console.log(skippedNote);
  }
  return result;
}

function printSummary(result: IngestResult): void {
  console.log(
    `${result.accepted} accepted, ${result.duplicates} unchanged, ${result.failed.length} failed`,
  );
  for (const failure of result.failed) console.error(`  ${failure.path}: ${failure.error}`);
}

async function postDocument(
  options: IngestOptions,
  text: string,
  metadata: Record<string, string>,
  path: string | undefined,
): Promise<IngestAccepted> {
  const client = hc<IngestApp>(options.ingestUrl, {
    fetch: comingBackFetch(options.retry),
    headers: { ...apiKeyHeader(), ...(path ? { "idempotency-key": `file:${path}` } : {}) },
  });
  const response = await client.ingest.$post({
    json: { text, metadata, namespace: options.namespace },
  });
  if (!response.ok) throw await failure(response);
  return response.json();
}

interface Collected {
  files: string[];
  /** Files under a folder that are not documents by their extension (hidden ones not counted). */
  skipped: number;
}

/** A file as named; a folder's markdown and text files, recursively, skipping hidden entries. */
async function collectFiles(path: string): Promise<Collected> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw error.code === "ENOENT" ? new Error(`${path} does not exist`) : error;
  });
  if (info.isFile()) return { files: [path], skipped: 0 };
  const entries = (await readdir(path, { withFileTypes: true })).filter(
    (e) => !e.name.startsWith("."),
  );
  const nested = await Promise.all(
    entries.map((e): Collected | Promise<Collected> => {
      if (e.isDirectory()) return collectFiles(join(path, e.name));
      return DOCUMENT_EXTENSIONS.has(extname(e.name).toLowerCase())
        ? { files: [join(path, e.name)], skipped: 0 }
        : { files: [], skipped: 1 };
    }),
  );
  return {
    files: nested.flatMap((n) => n.files).sort(),
    skipped: nested.reduce((sum, n) => sum + n.skipped, 0),
  };
}

function firstHeading(text: string): string | undefined {
  return /^#\s+(.+)$/m.exec(text)?.[1]?.trim();
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
