// One scale-from-zero process for bench/embedded-search.ts, timed by the parent from spawn to its
// first line: `store <dir>` opens the embedded store (LanceDB) and answers a hybrid query, `sqlite
// <dir>` does the same on the SQLite candidate (sqlite-store.ts); then (with `warm`) each times
// every mode, checks vector mode's top 10 against a brute-force scan and prints each query's top
// 10 documents per mode. `plain <dir>` only reads the same vectors into a Float32Array and answers
// one brute-force cosine query, the floor the stores are compared with.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SearchHit, SearchMode } from "../functions/shared/domain/chunk.ts";
import { CHUNKS_PER_DOCUMENT } from "./synthetic-corpus.ts";

const [kind, dir, warm] = process.argv.slice(2);
const queries = JSON.parse(await readFile(join(dir!, "queries.json"), "utf8")) as {
  text: string;
  vector: number[];
}[];
const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

async function rawVectors(): Promise<Float32Array> {
  const bytes = await readFile(join(dir!, "vectors.f32"));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** The cosine of every stored (unit) vector with the query, row by row. */
function similarities(matrix: Float32Array, query: number[]): Float32Array {
  const dimensions = query.length;
  const result = new Float32Array(matrix.length / dimensions);
  for (let row = 0; row < result.length; row++) {
    let dot = 0;
    for (let d = 0; d < dimensions; d++) dot += matrix[row * dimensions + d]! * query[d]!;
    result[row] = dot;
  }
  return result;
}

/** The 10 documents whose best chunk is nearest the query, by brute force. */
function exactTopDocuments(matrix: Float32Array, query: number[]): string[] {
  const best = new Map<number, number>();
  for (const [row, similarity] of similarities(matrix, query).entries()) {
    const document = Math.floor(row / CHUNKS_PER_DOCUMENT);
    if (similarity > (best.get(document) ?? -Infinity)) best.set(document, similarity);
  }
  return [...best]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([document]) => `doc-${document}`);
}

type Search = (mode: SearchMode, i: number) => Promise<SearchHit[]> | SearchHit[];

/** Each mode's query times, and each query's top 10 documents per mode. */
async function timeModes(search: Search, variants: Record<string, Search> = {}) {
  const modes: Record<string, number[]> = {};
  const top: Record<string, string[][]> = {};
  const timed: [string, SearchMode, Search][] = [
    ...(["keyword", "vector", "hybrid"] as const).map(
      (m) => [m, m, search] as [string, SearchMode, Search],
    ),
    ...Object.entries(variants).map(
      ([name, s]) => [name, "vector", s] as [string, SearchMode, Search],
    ),
  ];
  for (const [name, mode, run] of timed) {
    modes[name] = [];
    top[name] = [];
    for (let i = 0; i < queries.length; i++) {
      const started = performance.now();
      const hits = await run(mode, i);
      modes[name].push(performance.now() - started);
      top[name].push(hits.map((hit) => hit.document_id));
    }
  }
  return { modes, top };
}

/** Per named list, the share of the brute-force top 10 documents found in its top 10. */
async function recallAt10(top: Record<string, string[][]>, names: string[]) {
  const matrix = await rawVectors();
  const exact = queries.map((q) => exactTopDocuments(matrix, q.vector));
  return Object.fromEntries(
    names.map((name) => {
      const found = exact.reduce(
        (sum, ids, i) => sum + ids.filter((id) => top[name]![i]!.includes(id)).length,
        0,
      );
      return [name, found / (10 * queries.length)];
    }),
  );
}

const query = (mode: SearchMode, i: number) => ({
  mode,
  text: queries[i % queries.length]!.text,
  vector: queries[i % queries.length]!.vector,
  topK: 10,
  alpha: 0.1,
});

if (kind === "plain") {
  const matrix = await rawVectors();
  const best = similarities(matrix, queries[0]!.vector).reduce((a, b) => Math.max(a, b), -Infinity);
  console.log(JSON.stringify({ answered: best > -Infinity, rssMb: rssMb() }));
} else if (kind === "sqlite") {
  const [{ SqliteSearch }, { openSqlite, SQLITE_FILE }, { createAnalyzer }] = await Promise.all([
    import("./sqlite-search.ts"),
    import("./sqlite-store.ts"),
    import("../functions/shared/domain/analyzer.ts"),
  ]);
  const db = await openSqlite(join(dir!, SQLITE_FILE));
  const analyzer = createAnalyzer("english");
  const searcher = (scan: "float" | "int8" | "bit") => {
    const index = new SqliteSearch(db, analyzer, scan);
    return (mode: SearchMode, i: number) =>
      index.search({ ...query(mode, i), chunksPerDocument: 1 });
  };
  const search = searcher("float");
  const hits = search("hybrid", 0);
  console.log(JSON.stringify({ answered: hits.length > 0, rssMb: rssMb() }));
  if (warm) {
    const variants = {
      "vector, int8 scan": searcher("int8"),
      "vector, bit scan": searcher("bit"),
    };
    const { modes, top } = await timeModes(search, variants);
    const rss = rssMb();
    const recall = await recallAt10(top, ["vector", ...Object.keys(variants)]);
    console.log(JSON.stringify({ modes, rssMb: rss, recall, top }));
  }
  db.close();
} else {
  const { EmbeddedVectorStore } = await import(
    "../functions/shared/backends/vector-store/embedded.ts"
  );
  const store = new EmbeddedVectorStore(join(dir!, "store"));
  const search = (mode: SearchMode, i: number) =>
    store.search({ namespace: "bench", ...query(mode, i) });
  const hits = await search("hybrid", 0);
  console.log(JSON.stringify({ answered: hits.length > 0, rssMb: rssMb() }));
  if (warm) {
    const { modes, top } = await timeModes(search);
    const rss = rssMb();
    const recall = await recallAt10(top, ["vector"]);
    console.log(JSON.stringify({ modes, rssMb: rss, recall, top }));
  }
  await store.close();
}
