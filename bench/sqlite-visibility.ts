// A write seen by a running reader on the SQLite candidate: one connection writes a document and
// commits, another (as a search process would) polls until its keyword query finds it — WAL lets
// the reader run throughout. Measured as bench/embedded-search.ts measures LanceDB's.
import { join } from "node:path";
import { toRows } from "../functions/shared/backends/vector-store/lance-tables.ts";
import type { Analyzer } from "../functions/shared/domain/analyzer.ts";
import { SqliteSearch } from "./sqlite-search.ts";
import { openSqlite, SQLITE_FILE, writeDocuments } from "./sqlite-store.ts";
import { probeChunk } from "./synthetic-corpus.ts";

export async function sqliteVisibility(
  dir: string,
  analyzer: Analyzer,
  embed: (text: string) => number[],
): Promise<number[]> {
  const [reader, writer] = await Promise.all([
    openSqlite(join(dir, SQLITE_FILE)),
    openSqlite(join(dir, SQLITE_FILE)),
  ]);
  const search = new SqliteSearch(reader, analyzer);
  const find = (word: string) =>
    search.search({ mode: "keyword", text: word, topK: 1, alpha: 0, chunksPerDocument: 1 });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const id = `visibility-${Date.now()}-${i}`;
    const word = `visibilityword${i}x${Date.now()}`;
    find(word);
    const chunk = probeChunk(id, word, embed(word));
    const started = performance.now();
    writeDocuments(writer, [toRows([chunk], analyzer)]);
    while (find(word).length === 0);
    times.push(performance.now() - started);
    writeDocuments(writer, [{ chunkRows: [], document: { document_id: id, terms: "" } }]);
  }
  reader.close();
  writer.close();
  return times;
}
