// One scale-from-zero process for bench/embedded-search.ts, timed by the parent from spawn to its
// first line: `store <dir> <queries.json>` opens the embedded store and answers a hybrid query,
// then (with --warm) times every mode and checks vector mode's top 10 against a brute-force scan;
// `plain <dir>` only reads the same vectors into a Float32Array and answers one brute-force cosine
// query, the floor the store is compared with.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
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

if (kind === "plain") {
  const matrix = await rawVectors();
  const best = similarities(matrix, queries[0]!.vector).reduce((a, b) => Math.max(a, b), -Infinity);
  console.log(JSON.stringify({ answered: best > -Infinity, rssMb: rssMb() }));
} else {
  const { EmbeddedVectorStore } = await import(
    "../functions/shared/backends/vector-store/embedded.ts"
  );
  const store = new EmbeddedVectorStore(join(dir!, "store"));
  const search = (mode: "keyword" | "vector" | "hybrid", i: number) =>
    store.search({
      namespace: "bench",
      mode,
      text: queries[i % queries.length]!.text,
      vector: queries[i % queries.length]!.vector,
      topK: 10,
      alpha: 0.1,
    });
  const hits = await search("hybrid", 0);
  console.log(JSON.stringify({ answered: hits.length > 0, rssMb: rssMb() }));
  if (warm) {
    const modes: Record<string, number[]> = {};
    for (const mode of ["keyword", "vector", "hybrid"] as const) {
      modes[mode] = [];
      for (let i = 0; i < queries.length; i++) {
        const started = performance.now();
        await search(mode, i);
        modes[mode].push(performance.now() - started);
      }
    }
    const rss = rssMb();
    const matrix = await rawVectors();
    let found = 0;
    for (let i = 0; i < queries.length; i++) {
      const hits = new Set((await search("vector", i)).map((hit) => hit.document_id));
      found += exactTopDocuments(matrix, queries[i]!.vector).filter((id) => hits.has(id)).length;
    }
    console.log(JSON.stringify({ modes, rssMb: rss, recallAt10: found / (10 * queries.length) }));
  }
  await store.close();
}
