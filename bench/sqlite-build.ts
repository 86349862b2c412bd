// Builds the SQLite candidate (sqlite-store.ts) beside the bench's LanceDB store, from the same
// documents and vectors (vectors.f32 of the built LanceDB store), once per size; returns how long
// the store's writes took (analysis included, embedding not), as LanceDB's build time is taken.
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { toRows } from "../functions/shared/backends/vector-store/lance-tables.ts";
import type { Analyzer } from "../functions/shared/domain/analyzer.ts";
import { createSchema, openSqlite, SQLITE_FILE, writeDocuments } from "./sqlite-store.ts";
import { CHUNKS_PER_DOCUMENT, syntheticChunks } from "./synthetic-corpus.ts";

const BATCH = 250;

export async function builtSqlite(
  dir: string,
  chunks: number,
  dimensions: number,
  analyzer: Analyzer,
): Promise<{ buildMs: number }> {
  const done = join(dir, "sqlite-done.json");
  if (existsSync(done)) return JSON.parse(await readFile(done, "utf8"));
  for (const suffix of ["", "-wal", "-shm"])
    await rm(join(dir, SQLITE_FILE + suffix), { force: true });
  console.error(`bench: building the ${chunks}-chunk SQLite store under ${dir} (once)`);
  const bytes = await readFile(join(dir, "vectors.f32"));
  const raw = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const db = await openSqlite(join(dir, SQLITE_FILE));
  let buildMs = 0;
  let started = performance.now();
  createSchema(db, dimensions);
  buildMs += performance.now() - started;
  const documents = chunks / CHUNKS_PER_DOCUMENT;
  for (let first = 0; first < documents; first += BATCH) {
    const batch = Array.from(
      { length: Math.min(BATCH, documents - first) },
      (_, i) =>
        syntheticChunks(first + i, (_, row) => [
          ...raw.subarray(row * dimensions, (row + 1) * dimensions),
        ]).chunks,
    );
    started = performance.now();
    writeDocuments(
      db,
      batch.map((chunks) => toRows(chunks, analyzer)),
    );
    buildMs += performance.now() - started;
  }
  started = performance.now();
  db.exec(
    "INSERT INTO documents_fts (documents_fts) VALUES ('optimize'); PRAGMA wal_checkpoint(TRUNCATE);",
  );
  buildMs += performance.now() - started;
  db.close();
  await writeFile(done, JSON.stringify({ buildMs }));
  return { buildMs };
}
