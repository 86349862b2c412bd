import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import { freePorts } from "../support/free-port.ts";
import { tempDir } from "../support/temp-dir.ts";
import { runModel } from "./pipeline-model.ts";

// Bounded for `npm test`; `npm run chaos` runs many more cases. MODEL_SEED replays a case.
const SEED = Number(process.env.MODEL_SEED ?? 20261201);
const STEPS = 30;

describe("model: search serves the last accepted version of every id (four real processes, kill -9 included)", () => {
  let stack: LocalStack;
  let dataDir: string;
  const logs: string[] = [];

  before(async () => {
    dataDir = await tempDir("model");
    stack = await startLocalStack({
      ports: await freePorts(FUNCTION_NAMES),
      dataDir,
      onLog: (_n, line) => logs.push(line),
    });
  });
  after(async () => {
    await stack?.stop();
    if (process.exitCode) console.log(logs.slice(-200).join("\n"));
  });

  for (const seed of [SEED, SEED + 1]) {
    it(`seed ${seed}: ${STEPS} random steps, then exactly the model's documents`, {
      timeout: 180_000,
    }, async () => {
      const report = await runModel({
        stack,
        dataDir,
        seed,
        steps: STEPS,
        namespace: `model-${seed}`,
      });
      console.log(`model ${JSON.stringify(report)}`);
      assert.equal(report.lost, 0);
      assert.ok(report.accepted >= STEPS / 2);
    });
  }
});
