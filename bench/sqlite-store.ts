// The SQLite candidate for the embedded store, measured beside LanceDB by bench/embedded-search.ts
// (issue 13): one database file in WAL mode (one writer, readers in other processes) holding
// - `documents` (each document's analyzed terms, as LanceDB's documents table) and `documents_fts`,
//   an FTS5 index over them: BM25 built in, and the `ascii` tokenizer, which splits on every ASCII
//   character that is not a letter or digit and keeps every other character as is — the analyzer's
//   terms are lower-case letters, marks and digits (domain/analyzer.ts), so it splits on the spaces
//   between them only, with no stemming, case or diacritic folding of its own;
// - `chunks` and `vectors`, a sqlite-vec vec0 table of their unit vectors (L2, which orders unit
//   vectors as cosine does), with int8 and bit copies for a coarse scan whose nearest are re-ranked
//   by the float vectors, also kept in `chunks` (a point lookup in vec0 costs about 0.5 ms).
// Needs `node:sqlite` with extension loading (Node ≥ 22.13) and the `sqlite-vec` npm package.
import type { DatabaseSync } from "node:sqlite";
import type {
  ChunkRow,
  DocumentRow,
} from "../functions/shared/backends/vector-store/lance-tables.ts";

export const SQLITE_FILE = "store.sqlite";

/** Why SQLite cannot be measured on this Node, or undefined when it can. */
export async function sqliteUnavailable(): Promise<string | undefined> {
  try {
    const { DatabaseSync } = await import("node:sqlite");
    new DatabaseSync(":memory:", { allowExtension: true }).close();
    return undefined;
  } catch (error) {
    return `node:sqlite with extension loading needs Node ≥ 22.13 (this is ${process.version}: ${(error as Error).message.split("\n")[0]}); run the bench on the images' Node: PATH=$(bash .ci/image-node.sh):$PATH npm run bench -- search`;
  }
}

export async function openSqlite(path: string): Promise<DatabaseSync> {
  const [{ DatabaseSync }, sqliteVec] = await Promise.all([
    import("node:sqlite"),
    import("sqlite-vec"),
  ]);
  const db = new DatabaseSync(path, { allowExtension: true });
  db.loadExtension(sqliteVec.getLoadablePath());
  // WAL: readers never block the writer; NORMAL: a commit is durable at the next checkpoint, and
  // a killed process still leaves a consistent database.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  return db;
}

export function createSchema(db: DatabaseSync, dimensions: number): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS documents (
      rowid INTEGER PRIMARY KEY, document_id TEXT NOT NULL UNIQUE, terms TEXT NOT NULL);
    CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
      terms, content = 'documents', content_rowid = 'rowid', tokenize = 'ascii');
    CREATE TABLE IF NOT EXISTS chunks (
      rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, document_id TEXT NOT NULL,
      chunk_index INTEGER NOT NULL, content TEXT NOT NULL, metadata TEXT NOT NULL,
      terms TEXT NOT NULL, vector BLOB NOT NULL);
    CREATE INDEX IF NOT EXISTS chunks_document ON chunks (document_id);
    CREATE VIRTUAL TABLE IF NOT EXISTS vectors USING vec0(
      embedding float[${dimensions}], small int8[${dimensions}], coarse bit[${dimensions}]);
  `);
}

export function blob(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Replaces documents (their chunks' rows from lance-tables.ts's toRows) in one transaction. */
export function writeDocuments(
  db: DatabaseSync,
  documents: readonly { chunkRows: readonly ChunkRow[]; document: DocumentRow }[],
): void {
  const statements = {
    old: db.prepare("SELECT rowid, terms FROM documents WHERE document_id = ?"),
    unindex: db.prepare(
      "INSERT INTO documents_fts (documents_fts, rowid, terms) VALUES ('delete', ?, ?)",
    ),
    deleteDocument: db.prepare("DELETE FROM documents WHERE rowid = ?"),
    deleteVectors: db.prepare(
      "DELETE FROM vectors WHERE rowid IN (SELECT rowid FROM chunks WHERE document_id = ?)",
    ),
    deleteChunks: db.prepare("DELETE FROM chunks WHERE document_id = ?"),
    document: db.prepare("INSERT INTO documents (document_id, terms) VALUES (?, ?)"),
    index: db.prepare("INSERT INTO documents_fts (rowid, terms) VALUES (?, ?)"),
    chunk: db.prepare(
      "INSERT INTO chunks (id, document_id, chunk_index, content, metadata, terms, vector) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    vector: db.prepare(
      "INSERT INTO vectors (rowid, embedding, small, coarse) VALUES (?, ?, vec_quantize_int8(?, 'unit'), vec_quantize_binary(?))",
    ),
  };
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const { chunkRows, document } of documents) {
      const old = statements.old.get(document.document_id);
      if (old) {
        statements.unindex.run(old.rowid!, old.terms!);
        statements.deleteDocument.run(old.rowid!);
        statements.deleteVectors.run(document.document_id);
        statements.deleteChunks.run(document.document_id);
      }
      if (chunkRows.length === 0) continue;
      const { lastInsertRowid } = statements.document.run(document.document_id, document.terms);
      statements.index.run(lastInsertRowid, document.terms);
      for (const row of chunkRows) {
        const vector = blob(row.vector);
        const chunk = statements.chunk.run(
          row.id,
          row.document_id,
          row.chunk_index,
          row.content,
          row.metadata,
          row.terms,
          vector,
        );
        // vec0 takes integer rowids only, and node:sqlite binds a JS number as a double.
        statements.vector.run(BigInt(chunk.lastInsertRowid), vector, vector, vector);
      }
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
