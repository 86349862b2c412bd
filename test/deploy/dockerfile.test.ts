// The Dockerfile builds the same bundle the tests run: the same build command, the same output
// paths, and a runtime stage that ships only that bundle.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe as suite, it } from "node:test";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { inCi, readText, repoPath } from "./support/repo.ts";

interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions (continuation lines joined, comments dropped), with their stage. */
function instructions(): Instruction[] {
  const text = readText("Dockerfile").replace(/\\\n/g, " ");
  const result: Instruction[] = [];
  let stage = -1;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const [keyword, ...rest] = trimmed.split(/\s+/);
    if (keyword!.toUpperCase() === "FROM") stage++;
    result.push({ keyword: keyword!.toUpperCase(), args: rest.join(" "), stage });
  }
  return result;
}

suite("Dockerfile", () => {
  it("builds with the repo's build command, after copying what it reads", () => {
    const all = instructions();
    const build = all.find((i) => i.keyword === "RUN" && i.args.includes("node scripts/build.mjs"));
    assert.ok(build, "a RUN step runs node scripts/build.mjs");
    assert.ok(
      readText("package.json").includes('"build": "node scripts/build.mjs"'),
      "npm run build is the same command",
    );
    const copied = all
      .filter(
        (i) => i.keyword === "COPY" && i.stage === build.stage && !i.args.startsWith("--from"),
      )
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const needed of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "scripts",
      "functions",
    ])
      assert.ok(copied.includes(needed), `COPY ${needed} before the build`);
    assert.ok(
      all.some((i) => i.keyword === "RUN" && i.stage === build.stage && /npm ci\b/.test(i.args)),
      "npm ci from the lock file",
    );
  });

  it("the runtime stage copies dist/<FUNCTION>/ (index.mjs and its chunks), the folder scripts/build.mjs writes", () => {
    assert.match(readText("scripts/build.mjs"), /outdir: `dist\/\$\{name\}`/);
    assert.match(
      readText("scripts/build.mjs"),
      /entryPoints: \{ index: `functions\/\$\{name\}\/main\.ts` \}/,
    );
    const all = instructions();
    const last = Math.max(...all.map((i) => i.stage));
    const runtime = all.filter((i) => i.stage === last);
    const copy = runtime.find((i) => i.keyword === "COPY" && i.args.includes("--from=build"));
    assert.ok(copy, "runtime copies from the build stage");
    assert.match(copy.args, /\/app\/dist\/\$\{FUNCTION\}\/ \.\/$/);
    assert.ok(runtime.some((i) => i.keyword === "ARG" && i.args === "FUNCTION"));
    const runs = runtime.filter((i) => i.keyword === "RUN").map((i) => i.args);
    assert.ok(
      runs.every((r) => !/\bnpm\b|apt-get/.test(r)),
      "nothing installed at runtime: no npm, no dev dependencies",
    );
    assert.ok(
      runs.some((r) => r.includes("bake-compile-cache.mjs")),
      "the compile cache is baked into the image",
    );
    assert.ok(
      runtime.some(
        (i) => i.keyword === "ENV" && i.args === "NODE_COMPILE_CACHE=/app/.node-compile-cache",
      ),
    );
    const cmd = runtime.find((i) => i.keyword === "CMD")!;
    const argv = JSON.parse(cmd.args) as string[];
    assert.equal(argv[0], "node", "exec form, node as PID 1");
    assert.equal(argv.at(-1), "index.mjs");
    assert.ok(runtime.some((i) => i.keyword === "WORKDIR" && i.args === "/app"));
  });

  it("runs as a numeric non-root user in production mode", () => {
    const runtime = instructions().filter(
      (i) => i.stage === Math.max(...instructions().map((x) => x.stage)),
    );
    const user = runtime.find((i) => i.keyword === "USER")!;
    assert.match(user.args, /^[1-9]\d*(:\d+)?$/);
    assert.ok(runtime.some((i) => i.keyword === "ENV" && /NODE_ENV=production/.test(i.args)));
    assert.match(readText("Dockerfile"), /FROM \$\{NODE_IMAGE\}/);
    assert.match(readText("Dockerfile"), /ARG NODE_IMAGE=node:(22|24)\.\d+\.\d+-[a-z]+-slim/);
  });

  it(".dockerignore lets through exactly what the build copies", () => {
    const rules = readText(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    assert.equal(rules[0], "*", "an allow-list");
    for (const needed of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "scripts/",
      "functions/",
    ])
      assert.ok(rules.includes(`!${needed}`), needed);
  });

  it("every function's bundle exists where the Dockerfile copies it from", (t) => {
    if (!existsSync(repoPath("dist"))) {
      if (inCi) assert.fail("dist/ missing: npm test builds before it tests");
      t.skip("dist/ absent: run node scripts/build.mjs first");
      return;
    }
    for (const name of FUNCTION_NAMES) {
      assert.ok(existsSync(repoPath("dist", name, "index.mjs")), `dist/${name}/index.mjs`);
      assert.ok(existsSync(repoPath("dist", name, "index.mjs.map")), `dist/${name}/index.mjs.map`);
    }
  });
});
