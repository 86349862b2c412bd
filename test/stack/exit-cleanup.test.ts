import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { waitFor } from "../support/wait-for.ts";
import { tcpOpen } from "./probes.ts";

// The harness's promise: whatever way a test process ends, no server outlives it and no temp dir stays.
const fixture = fileURLToPath(new URL("./fixtures/abandon-redis.ts", import.meta.url));

for (const how of ["exit", "throw", "signal"] as const) {
  test(`a process that ends by ${how} without stopping its servers leaves none behind`, async () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", fixture, how], {
      encoding: "utf8",
      timeout: 60_000,
    });
    const line = run.stdout.split("\n").find((l) => l.startsWith("{"));
    assert.ok(line, `fixture printed no server: ${run.stderr}`);
    const { port, dir } = JSON.parse(line) as { port: number; dir: string };
    await waitFor(`redis on ${port} to stop answering`, async () => !(await tcpOpen(port)), 5000);
    assert.equal(existsSync(dir), false, `${dir} was left behind`);
    if (how === "signal")
      assert.equal(run.status, 143, "SIGTERM still ends the process, with 128+15");
  });
}
