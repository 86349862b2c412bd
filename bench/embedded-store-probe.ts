// One scale-from-zero process for bench/embedded-search.ts, timed by the parent from spawn to its
// first line: `store <dir> <queries.json>` opens the embedded store and answers a hybrid query,
// then (with --warm) times every mode; `plain <dir>` only reads the same vectors into a
// Float32Array and answers one brute-force cosine query, the floor the store is compared with.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const [kind, dir, warm] = process.argv.slice(2);
const queries = JSON.parse(await readFile(join(dir!, "queries.json"), "utf8")) as {
  text: string;
  vector: number[];
}[];
const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

if (kind === "plain") {
  const bytes = await readFile(join(dir!, "vectors.f32"));
  const matrix = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const query = queries[0]!.vector;
  const dimensions = query.length;
  let best = -Infinity;
  for (let row = 0; row < matrix.length / dimensions; row++) {
    let dot = 0;
    for (let d = 0; d < dimensions; d++) dot += matrix[row * dimensions + d]! * query[d]!;
    if (dot > best) best = dot;
  }
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
    console.log(JSON.stringify({ modes, rssMb: rssMb() }));
  }
  await store.close();
}
