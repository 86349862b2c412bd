import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

export interface EvalDocument {
  id: string;
  title: string;
  text: string;
}

export interface EvalQuery {
  id: string;
  text: string;
  /** Ids of the documents judged relevant (binary judgements). */
  relevant: Set<string>;
}

export interface Collection {
  name: string;
  documents: EvalDocument[];
  /** Only the queries with at least one judgement. */
  queries: EvalQuery[];
}

/**
 * `../shared/eval` beside the project root (or `EVAL_COLLECTIONS_DIR`, e.g. from a second worktree):
 * read at run time, never copied into the repository.
 */
export function sharedEvalDir(projectRoot: string): string {
  return process.env.EVAL_COLLECTIONS_DIR
    ? resolve(process.env.EVAL_COLLECTIONS_DIR)
    : resolve(projectRoot, "..", "shared", "eval");
}

export function cisiAvailable(projectRoot: string): string | undefined {
  const dir = join(sharedEvalDir(projectRoot), "cisi");
  return existsSync(join(dir, "CISI.ALL")) ? dir : undefined;
}

/** CISI in the SMART format: `.I id`, then `.T` title, `.A` authors, `.W` text, `.X` cross-references. */
export async function loadCisi(dir: string): Promise<Collection> {
  const [all, qry, rel] = await Promise.all(
    ["CISI.ALL", "CISI.QRY", "CISI.REL"].map((f) => readFile(join(dir, f), "utf8")),
  );
  const documents = parseSmart(all!).map((r) => ({
    id: r.id,
    title: r.fields.T ?? "",
    text: r.fields.W ?? "",
  }));
  const judgements = new Map<string, Set<string>>();
  for (const line of rel!.split("\n")) {
    const [queryId, documentId] = line.trim().split(/\s+/);
    if (!queryId || !documentId) continue;
    if (!judgements.has(queryId)) judgements.set(queryId, new Set());
    judgements.get(queryId)!.add(documentId);
  }
  const queries = parseSmart(qry!)
    .filter((r) => judgements.has(r.id))
    .map((r) => ({
      id: r.id,
      text: [r.fields.T, r.fields.W].filter(Boolean).join("\n"),
      relevant: judgements.get(r.id)!,
    }));
  return { name: "CISI", documents, queries };
}

interface SmartRecord {
  id: string;
  fields: Record<string, string>;
}

function parseSmart(text: string): SmartRecord[] {
  const records: SmartRecord[] = [];
  let current: SmartRecord | undefined;
  let field: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const id = /^\.I\s+(\d+)/.exec(line);
    if (id) {
      current = { id: id[1]!, fields: {} };
      records.push(current);
      field = undefined;
      continue;
    }
    const marker = /^\.([A-Z])\s*$/.exec(line);
    if (marker) {
      field = marker[1]!;
      continue;
    }
    if (current && field)
      current.fields[field] = current.fields[field] ? `${current.fields[field]}\n${line}` : line;
  }
  for (const record of records)
    for (const key of Object.keys(record.fields)) record.fields[key] = record.fields[key]!.trim();
  return records;
}
