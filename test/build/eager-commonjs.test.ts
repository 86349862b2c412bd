import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { eagerCommonJs } from "../../scripts/eager-commonjs-plugin.mjs";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "eager-commonjs-"));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Bundles an ES module importing the given CommonJS modules, as scripts/build.mjs does. */
async function bundle(name: string, modules: Record<string, string>): Promise<string> {
  const imports = Object.keys(modules).map((m, i) => `import m${i} from "./${m}.cjs";`);
  const names = Object.keys(modules).map((_, i) => `m${i}`);
  await writeFile(join(dir, `${name}.mjs`), `${imports.join("\n")}\nexport default [${names}];\n`);
  for (const [m, source] of Object.entries(modules)) await writeFile(join(dir, `${m}.cjs`), source);
  const outfile = join(dir, "out", `${name}.mjs`);
  await build({
    entryPoints: [join(dir, `${name}.mjs`)],
    bundle: true,
    format: "esm",
    platform: "node",
    outfile,
    metafile: true,
    logLevel: "silent",
    plugins: [eagerCommonJs],
  });
  return outfile;
}

test("CommonJS modules become parenthesized function expressions and still work", async () => {
  const outfile = await bundle("plain", {
    a: "exports.value = 1;",
    b: "module.exports = { value: require('./a.cjs').value + 1 };",
  });
  const code = await readFile(outfile, "utf8");
  assert.match(code, /"[^"]*a\.cjs": \(function\(exports\) \{/);
  assert.match(code, /"[^"]*b\.cjs": \(function\(exports, module\) \{/);
  assert.doesNotMatch(code, /\.cjs"\(exports/);
  const { default: loaded } = await import(pathToFileURL(outfile).href);
  assert.deepEqual(loaded, [{ value: 1 }, { value: 2 }]);
});

test("a string holding a wrapper's end leaves the bundle as esbuild wrote it, working", async () => {
  const outfile = await bundle("ambiguous", {
    c: "module.exports = { text: `x\n  }\n});\ny` };",
  });
  const code = await readFile(outfile, "utf8");
  assert.match(code, /\.cjs"\(exports, module\) \{/);
  const { default: loaded } = await import(pathToFileURL(outfile).href);
  assert.deepEqual(loaded, [{ text: "x\n  }\n});\ny" }]);
});
