// Runs node's test runner (with tsx for TypeScript) over *.test.ts files.
// Usage: node scripts/run-tests.mjs [folder or file …]  — default: everything except test/stack and
// test/cluster, which need real servers and run as `npm run test:stack` / `npm run test:cluster`.
// `--unit` (npm run test:unit): the tests beside the code (functions/, cli/, dev/), which need no build and
// no server, minus the size-limit suites (*limits.test.ts push tens of megabytes through an app);
// they share nothing, so they run as many at a time as there are cores.
//
// How files are scheduled, and why: one `node --test` run gets every file, sorted by path. It runs
// each file in its own process, so a crash, a leaked handle or a changed global stays in its file,
// and, by Node's default, at most (cores − 1) files at a time: one at a time on a 2-core machine,
// which keeps the suites that start real processes (the functions, Chromium, Go tools) from
// starving each other's timeouts. The order never matters: every file picks free ports and its own
// temporary folders, and every test sets up what it needs. Tests within a file run one after another.
//
// After the run, each file's wall time (import included) is printed, slowest first, so where the
// suite's time goes is visible.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const unit = process.argv.includes("--unit");
const requested = process.argv.slice(2).filter((arg) => arg !== "--unit");
const roots = unit
  ? ["functions", "cli", "dev"]
  : requested.length > 0
    ? requested
    : ["functions", "cli", "dev", "test", "tools"];
const excluded = requested.length > 0 || unit ? [] : ["test/stack/", "test/cluster/"];

const files = roots
  .flatMap((root) => {
    const info = statSync(root, { throwIfNoEntry: false });
    if (!info) return [];
    return info.isFile()
      ? [root]
      : readdirSync(root, { recursive: true }).map((f) => join(root, String(f)));
  })
  .filter((f) => f.endsWith(".test.ts") && !f.includes("node_modules"))
  .filter((f) => !excluded.some((prefix) => f.startsWith(prefix)))
  .filter((f) => !unit || !f.endsWith("limits.test.ts"))
  .sort();

if (files.length === 0) {
  console.error(`no test files under ${roots.join(", ")}`);
  process.exit(1);
}
const timing = fileURLToPath(new URL("./file-timing-reporter.mjs", import.meta.url));
const reporters = [
  "--test-reporter=spec",
  "--test-reporter-destination=stdout",
  `--test-reporter=${timing}`,
  "--test-reporter-destination=stdout",
];
const concurrency = unit ? [`--test-concurrency=${availableParallelism()}`] : [];
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", ...concurrency, ...reporters, ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
