// Dev tool, `node --import tsx eval/sqlite-quality.ts` on Node ≥ 22.13 (node:sqlite): CISI ranked
// in-process by the embedded store (LanceDB) and by the SQLite candidate the search bench measures
// beside it (bench/sqlite-store.ts, bench/sqlite-search.ts), from the same chunks, vectors and
// query algorithm, so that the two stores' BM25 and nearest-neighbour search are what differs.
import { join } from "node:path";
import { toRows } from "../functions/shared/backends/vector-store/lance-tables.ts";
import { packageRoot } from "../cli/package-root.ts";
import { SqliteSearch } from "../bench/sqlite-search.ts";
import { createSchema, openSqlite, SQLITE_FILE, writeDocuments } from "../bench/sqlite-store.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { cisiAvailable, loadCisi } from "./collection.ts";
import { analyzer, embeddedDocuments, inProcessRanker, type Ranker, ranker } from "./in-process.ts";

const dir = cisiAvailable(packageRoot());
if (!dir) throw new Error("CISI is absent: put it in ../shared/eval or set EVAL_COLLECTIONS_DIR");
const collection = await loadCisi(dir);

const db = await openSqlite(join(await tempDir("eval-sqlite"), SQLITE_FILE));
createSchema(db, 384);
writeDocuments(
  db,
  embeddedDocuments(collection).map((d) => toRows(d.chunks, analyzer)),
);
const sqliteSearch = new SqliteSearch(db, analyzer);
const stores: [string, Ranker][] = [
  ["LanceDB", await inProcessRanker(collection)],
  ["SQLite", ranker(collection, (query) => sqliteSearch.search(query))],
];
const base = { topK: 50, alpha: 0.1, chunksPerDocument: 1 };
for (const mode of ["keyword", "vector", "hybrid"] as const)
  for (const [name, rank] of stores) {
    const { all } = await rank({ ...base, mode });
    console.log(
      `${mode.padEnd(8)} ${name.padEnd(8)} nDCG@10 ${all.ndcg10.toFixed(4)}  MRR ${all.rr.toFixed(4)}  MAP@50 ${all.ap.toFixed(4)}  R@50 ${all.recall.toFixed(4)}`,
    );
  }
db.close();
