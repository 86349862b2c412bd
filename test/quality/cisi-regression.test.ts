import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { packageRoot } from "../../cli/package-root.ts";
import { DEFAULT_ALPHA } from "../../functions/search/app.ts";
import { cisiAvailable, loadCisi } from "../../eval/collection.ts";
import { inProcessRanker } from "../../eval/in-process.ts";

/**
 * nDCG@10 on CISI of the embedded store's ranking, in-process, as measured when the defaults were
 * chosen (eval/results/cisi-embedded.md has the run through the functions beside the reference BM25,
 * 0.392), less a tolerance: a change that loses more than that fails here.
 */
const FLOORS = { keyword: 0.415, hybrid: 0.425, vector: 0.286 };
const TOLERANCE = 0.01;

const dir = cisiAvailable(packageRoot());
describe("search quality on CISI (in-process, regression floor)", {
  skip: dir ? false : "../shared/eval/cisi is absent (set EVAL_COLLECTIONS_DIR to run it)",
}, () => {
  let rank: Awaited<ReturnType<typeof inProcessRanker>>;
  before(async () => {
    rank = await inProcessRanker(await loadCisi(dir!));
  });
  for (const mode of ["keyword", "hybrid", "vector"] as const) {
    it(`${mode}: nDCG@10 ≥ ${FLOORS[mode]} − ${TOLERANCE}`, async () => {
      const { all } = await rank({ mode, topK: 50, alpha: DEFAULT_ALPHA, chunksPerDocument: 1 });
      assert.ok(
        all.ndcg10 >= FLOORS[mode] - TOLERANCE,
        `${mode} nDCG@10 ${all.ndcg10.toFixed(4)} fell below ${FLOORS[mode]} − ${TOLERANCE}`,
      );
    });
  }
});
