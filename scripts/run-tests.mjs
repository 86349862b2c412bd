// Runs node's test runner (with tsx for TypeScript) over *.test.ts files.
// Usage: node scripts/run-tests.mjs [folder …]  — default: everything except test/stack and
// test/cluster, which need real servers and run as `npm run test:stack` / `npm run test:cluster`.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const requested = process.argv.slice(2);
const roots = requested.length > 0 ? requested : ["functions", "dev", "test", "tools"];
const excluded = requested.length > 0 ? [] : ["test/stack/", "test/cluster/"];

const files = roots
  .flatMap((root) => {
    try {
      return readdirSync(root, { recursive: true }).map((f) => join(root, String(f)));
    } catch {
      return [];
    }
  })
  .filter((f) => f.endsWith(".test.ts") && !f.includes("node_modules"))
  .filter((f) => !excluded.some((prefix) => f.startsWith(prefix)))
  .sort();

if (files.length === 0) {
  console.error(`no test files under ${roots.join(", ")}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
