import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { build } from "esbuild";
import { tempDir } from "../../../test/support/temp-dir.ts";

// A bundle built as scripts/build.mjs builds the functions (ESM, linked source map), run by plain
// `node` without --enable-source-maps, as the images run them.
async function runBundle(install: boolean): Promise<string> {
  const dir = await tempDir("source-maps");
  const thrower = join(dir, "thrower.ts");
  await writeFile(
    thrower,
    ["export function fail(): never {", '  throw new Error("mapped?");', "}", ""].join("\n"),
  );
  const entry = join(dir, "entry.ts");
  const module = JSON.stringify(resolve("functions/shared/runtime/lazy-source-maps.ts"));
  await writeFile(
    entry,
    [
      `import { installLazySourceMaps } from ${module};`,
      'import { fail } from "./thrower.ts";',
      install ? "installLazySourceMaps();" : "",
      "try { fail(); } catch (error) { console.log((error as Error).stack); }",
    ].join("\n"),
  );
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    sourcemap: "linked",
    outfile: join(dir, "dist", "index.mjs"),
    logLevel: "silent",
  });
  const run = spawnSync(process.execPath, [join(dir, "dist", "index.mjs")], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

describe("lazy source maps", () => {
  it("maps stack frames of an already loaded bundle to the .ts source line", async () => {
    const stack = await runBundle(true);
    assert.match(stack, /^Error: mapped\?\n/);
    assert.match(stack, /at fail \(.*thrower\.ts:2:9\)/);
  });

  it("without it, plain node reports bundle lines only", async () => {
    const stack = await runBundle(false);
    assert.doesNotMatch(stack, /thrower\.ts/);
    assert.match(stack, /index\.mjs:\d+:\d+/);
  });
});
