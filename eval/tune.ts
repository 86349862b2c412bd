// Dev tool, `node --import tsx eval/tune.ts`: the embedded store's ranking in-process on CISI, to
// try settings quickly. Choose on the tune half (odd query ids), then look at the check half (even
// ids) once. `npm run eval` is the measurement through the real functions.
import { packageRoot } from "../cli/package-root.ts";
import { cisiAvailable, loadCisi } from "./collection.ts";
import { inProcessRanker, type RankingSettings } from "./in-process.ts";

const dir = cisiAvailable(packageRoot());
if (!dir) throw new Error("CISI is absent: put it in ../shared/eval or set EVAL_COLLECTIONS_DIR");
const rank = await inProcessRanker(await loadCisi(dir));
const show = async (name: string, settings: RankingSettings) => {
  const { all, tune, check } = await rank(settings);
  console.log(
    `${name.padEnd(20)} nDCG@10 tune ${tune.toFixed(4)}  check ${check.toFixed(4)}  all ${all.ndcg10.toFixed(4)}  MAP@50 ${all.ap.toFixed(4)}  R@50 ${all.recall.toFixed(4)}`,
  );
};
const base = { topK: 50, alpha: 0.1, chunksPerDocument: 1 };
await show("keyword", { ...base, mode: "keyword" });
await show("vector", { ...base, mode: "vector" });
for (const alpha of [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5])
  await show(`hybrid alpha ${alpha}`, { ...base, mode: "hybrid", alpha });
