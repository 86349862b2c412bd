// `npm run eval [-- --store embedded|weaviate]`: CISI through the running functions' HTTP API, every
// query in every mode, beside a reference BM25 (bm25s) on the same text; JSON + Markdown under eval/results/.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../cli/package-root.ts";
import { cisiAvailable, loadCisi } from "./collection.ts";
import { documentText, runThroughPipeline } from "./pipeline-run.ts";
import { runReferenceBm25 } from "./reference-bm25.ts";
import { markdown, summarise, writeReport } from "./report.ts";

const TOP_K = 50;
const { values } = parseArgs({
  options: { out: { type: "string" }, store: { type: "string", default: "embedded" } },
});
if (values.store !== "embedded" && values.store !== "weaviate")
  throw new Error(`--store must be embedded or weaviate, not ${values.store}`);
const root = packageRoot();
const dir = cisiAvailable(root);
if (!dir) {
  console.log(
    "eval: skipped — ../shared/eval/cisi is absent (the collection is read from there, never copied into the repository)",
  );
  process.exit(0);
}
const collection = await loadCisi(dir);
console.error(
  `eval: ${collection.name}, ${collection.documents.length} documents, ${collection.queries.length} judged queries`,
);
const reference = await runReferenceBm25(collection, documentText, TOP_K);
const store =
  values.store === "weaviate" ? await weaviateStore() : { env: {}, stop: async () => {} };
const { searchable, modes } = await runThroughPipeline(collection, {
  topK: TOP_K,
  env: store.env,
  log: (line) =>
    line.includes("eval:") || /error|warn/i.test(line) ? console.error(line) : undefined,
});
await store.stop();
const runs = summarise(
  collection,
  modes.map((m) => ({ name: m.mode, rankings: m.rankings, latenciesMs: m.latenciesMs })),
  { name: "reference BM25", rankings: reference.rankings },
  TOP_K,
);
const report = {
  collection: collection.name,
  store: values.store,
  documents: collection.documents.length,
  searchable,
  queries: collection.queries.length,
  topK: TOP_K,
  reference: `${reference.version} (Lucene BM25, k1 1.2, b 0.75, English stopwords, Porter stemmer)`,
  runs,
  generatedAt: new Date().toISOString(),
  commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], {
    cwd: root,
    encoding: "utf8",
  }).trim(),
};
const written = await writeReport(values.out ?? join(root, "eval", "results"), report);
console.log(markdown(report));
console.error(`eval: wrote ${written.json} and ${written.md}`);

/** A Weaviate of test:stack (built from its Go module, cached under ~/.cache/knative-rag), on loopback. */
async function weaviateStore(): Promise<{
  env: Record<string, string>;
  stop: () => Promise<void>;
}> {
  const { startWeaviate } = await import("../test/stack/weaviate.ts");
  const weaviate = await startWeaviate();
  return {
    env: {
      VECTOR_STORE: "weaviate",
      WEAVIATE_URL: weaviate.httpUrl,
      WEAVIATE_GRPC_URL: `http://${weaviate.grpcHost}:${weaviate.grpcPort}`,
      WEAVIATE_COLLECTION: "EvalChunk",
    },
    stop: () => weaviate.cleanup(),
  };
}
