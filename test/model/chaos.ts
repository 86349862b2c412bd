// npm run chaos: the model-based pipeline test, longer. CHAOS_CASES cases of CHAOS_STEPS steps,
// each with a fresh random seed (printed: MODEL_SEED=<seed> npm test replays the first steps of one).
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { startLocalStack } from "../../cli/local-stack.ts";
import { freePorts } from "../support/free-port.ts";
import { tempDir } from "../support/temp-dir.ts";
import { runModel, type ModelReport } from "./pipeline-model.ts";

const cases = Number(process.env.CHAOS_CASES ?? 10);
const steps = Number(process.env.CHAOS_STEPS ?? 80);
const dataDir = await tempDir("chaos");
const logs: string[] = [];
const stack = await startLocalStack({
  ports: await freePorts(FUNCTION_NAMES),
  dataDir,
  onLog: (_n, line) => logs.push(line),
});
const totals = { cases: 0, steps: 0, accepted: 0, kills: 0, redeliveries: 0, lost: 0 };
let failed = false;
try {
  for (let n = 0; n < cases; n++) {
    const seed = Math.floor(Math.random() * 2 ** 31);
    let report: ModelReport;
    try {
      report = await runModel({ stack, dataDir, seed, steps, namespace: `chaos-${seed}` });
    } catch (error) {
      failed = true;
      console.error(`case ${n + 1}/${cases} seed ${seed} FAILED: ${(error as Error).message}`);
      console.error(logs.slice(-100).join("\n"));
      break;
    }
    console.log(`case ${n + 1}/${cases} ${JSON.stringify(report)}`);
    totals.cases++;
    totals.steps += report.steps;
    totals.accepted += report.accepted;
    totals.kills += report.kills;
    totals.redeliveries += report.redeliveries;
    totals.lost += report.lost;
  }
} finally {
  await stack.stop();
}
console.log(`chaos: ${JSON.stringify(totals)}`);
process.exit(failed || totals.lost > 0 ? 1 : 0);
