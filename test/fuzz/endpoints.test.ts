import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { tempDir } from "../support/temp-dir.ts";
import { assertBuilt } from "../telemetry/support/span-collector.ts";
import { startFunctionProcess, type FunctionProcess } from "../support/function-process.ts";
import { sendRaw } from "./raw-http.ts";
import { describeRequest, fuzzRequest, type Service } from "./requests.ts";

// Property-based fuzzing of every endpoint of the four functions, as real processes with
// telemetry on, over real HTTP. `npm test` runs a bounded number of cases from a fixed seed;
// `npm run fuzz` runs many more from a fresh seed (FUZZ_RUNS, FUZZ_SEED to replay).
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
/** Past this a request counts as unanswered: a hang. A failure condition, not a speed goal. */
const ANSWER_BOUND_MS = 30_000;
/** The Services' memory limits (knative/*.yaml): resident memory must stay below them. */
const MEMORY_LIMIT_MB: Record<Service, number> = {
  ingest: 256,
  search: 256,
  "index-document": 512,
  embed: 512,
};

function residentMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.match(/\d+/)?.[0] ?? 0) / 1024;
}

describe("fuzzing every endpoint: a JSON 4xx or a 2xx, never a 5xx, never a hang, memory bounded", () => {
  const processes = {} as Record<Service, FunctionProcess>;

  before(async () => {
    assertBuilt();
    const env = {
      DATA_DIR: await tempDir("fuzz"),
      LOG_LEVEL: "error",
      OBSERVABILITY_ENABLED: "true",
      OTEL_TRACES_EXPORTER: "none",
      OTEL_METRICS_EXPORTER: "none",
    };
    processes.embed = await startFunctionProcess("embed", env);
    processes["index-document"] = await startFunctionProcess("index-document", {
      ...env,
      EMBED_URL: processes.embed.url,
    });
    processes.ingest = await startFunctionProcess("ingest", {
      ...env,
      K_SINK: `${processes["index-document"].url}/`,
    });
    processes.search = await startFunctionProcess("search", {
      ...env,
      EMBED_URL: processes.embed.url,
      INGEST_URL: processes.ingest.url,
    });
  });
  after(async () => {
    for (const p of Object.values(processes)) await p?.stop("SIGKILL");
  });

  it(`answers ${RUNS} random requests as the invariants say`, async () => {
    let cases = 0;
    const statuses = new Map<number | string, number>();
    const peakMb = {} as Record<Service, number>;
    const details = await fc.check(
      fc.asyncProperty(fuzzRequest, async (request) => {
        cases++;
        const target = processes[request.service];
        const outcome = await sendRaw(target.url, request, ANSWER_BOUND_MS);
        const what = describeRequest(request);
        if (outcome.kind === "no answer") assert.fail(`no answer (${outcome.error}): ${what}`);
        if (outcome.kind === "aborted") {
          statuses.set("aborted", (statuses.get("aborted") ?? 0) + 1);
        } else {
          statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
          assert.ok(
            outcome.status < 500,
            `${outcome.status} ${outcome.body.slice(0, 300)}: ${what}`,
          );
          if (outcome.status >= 400) {
            const body = JSON.parse(outcome.body) as { error?: unknown };
            assert.ok(
              typeof body.error === "string" && body.error.length > 0,
              `${outcome.status} without a JSON error naming the problem: ${outcome.body.slice(0, 300)}: ${what}`,
            );
          }
        }
        const mb = residentMegabytes(target.child.pid!);
        peakMb[request.service] = Math.max(peakMb[request.service] ?? 0, mb);
        assert.ok(
          mb < MEMORY_LIMIT_MB[request.service],
          `${request.service} resident ${mb.toFixed(0)} MB, over its ${MEMORY_LIMIT_MB[request.service]} MB limit, after: ${what}`,
        );
        assert.equal(target.child.exitCode, null, `${request.service} exited after: ${what}`);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // fast-check's own report prints the whole counterexample (megabytes of body): say it short.
    if (details.failed) {
      const reason =
        details.errorInstance instanceof Error
          ? details.errorInstance.message
          : String(details.errorInstance);
      assert.fail(
        `case ${details.numRuns} of seed ${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${details.numRuns} npm run fuzz) broke an invariant: ${reason.slice(0, 2000)}`,
      );
    }
    for (const [name, p] of Object.entries(processes)) {
      assert.equal(
        (await fetch(`${p.url}/health/liveness`)).status,
        200,
        `${name} is live after the run`,
      );
    }
    const peaks = Object.entries(peakMb)
      .map(([name, mb]) => `${name} ${mb.toFixed(0)} MB`)
      .join(", ");
    const counts = [...statuses.entries()]
      .sort()
      .map(([status, n]) => `${status}: ${n}`)
      .join(", ");
    console.log(
      `fuzz: ${cases} cases run (seed ${SEED}); answers ${counts}; peak resident memory ${peaks}`,
    );
  });
});
