// Bundles each function (and the CLI) under dist/, as the container images ship them: dist/<name>/index.mjs
// plus lazily loaded chunks in dist/<name>/chunks/, so a function parses, at cold start, only the
// adapters its configuration selects (the backends' factories use dynamic import()).
// A build that would change nothing is skipped: dist/.inputs.json records every file the last
// build read (esbuild's metafile) with its size and mtime, so `npm run cli` and `npm start` start
// at once when no source changed. `--force` rebuilds anyway.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { eagerCommonJs } from "./eager-commonjs-plugin.mjs";
import { otelEsm } from "./otel-esm-plugin.mjs";
import { pageScript, pageScriptInputs } from "./page-script-plugin.mjs";

// Each functions/<name>/main.ts is a function: the build needs no list of its own
// (functions/functions.ts is the list for everything else, and its test checks the two agree).
const FUNCTIONS = readdirSync("functions", { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`functions/${entry.name}/main.ts`))
  .map((entry) => entry.name);

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  plugins: [otelEsm, pageScript, eagerCommonJs],
  metafile: true,
  // The embedded vector store's database: native code (N-API) loaded from node_modules, only when
  // VECTOR_STORE=embedded; apache-arrow must be the very copy LanceDB uses.
  external: ["@lancedb/lancedb", "apache-arrow"],
  alias: { "cross-fetch": "./scripts/shims/cross-fetch.mjs" },
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

const INPUTS_FILE = "dist/.inputs.json";
// Inputs esbuild does not see: how it bundles, and which package versions are installed (files
// under node_modules/ are not checked one by one: package-lock.json changes with them).
const BUILD_INPUTS = [
  "scripts/build.mjs",
  "scripts/eager-commonjs-plugin.mjs",
  "scripts/otel-esm-plugin.mjs",
  "scripts/page-script-plugin.mjs",
  "package-lock.json",
];
const CLI_ENTRY = "cli/main.ts";
const RELAY_ENTRY = "dev/kafka-relay/main.ts";

if (process.argv.includes("--force") || !upToDate()) await buildAll();

// esbuild is loaded only when there is something to build: the check alone starts in milliseconds.
async function buildAll() {
  const started = Date.now();
  const { build } = await import("esbuild");
  await rm("dist", { recursive: true, force: true });
  const results = await Promise.all([
    ...FUNCTIONS.map((name) =>
      build({
        ...common,
        entryPoints: { index: `functions/${name}/main.ts` },
        outdir: `dist/${name}`,
        outExtension: { ".js": ".mjs" },
        splitting: true,
        chunkNames: "chunks/[name]-[hash]",
      }),
    ),
    // The image build context has neither the CLI nor dev/ (the dev-only stand-in for the
    // cluster's KafkaSource, for the local stack and tests), so no image can contain them.
    ...(existsSync(CLI_ENTRY)
      ? [build({ ...common, entryPoints: [CLI_ENTRY], outfile: "dist/cli.mjs" })]
      : []),
    ...(existsSync(RELAY_ENTRY)
      ? [build({ ...common, entryPoints: [RELAY_ENTRY], outfile: "dist/dev/kafka-relay.mjs" })]
      : []),
  ]);
  const sources = results
    .flatMap((r) => Object.keys(r.metafile.inputs))
    .concat([...pageScriptInputs])
    .filter((path) => !path.startsWith("node_modules/"));
  const files = {};
  for (const path of [...new Set([...BUILD_INPUTS, ...sources])].sort()) {
    const info = statOrUndefined(path);
    // A file saved while esbuild ran may not be in the bundle: never record it as built.
    if (info)
      files[path] = info.mtimeMs >= started ? "changed during the build" : fingerprint(info);
  }
  await writeFile(INPUTS_FILE, JSON.stringify({ present: presentEntries(), files }));
}

/** True when the last build's inputs are all unchanged (same size and mtime) and its outputs exist. */
function upToDate() {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(INPUTS_FILE, "utf8"));
  } catch {
    return false;
  }
  if (recorded.present !== presentEntries()) return false;
  const outputs = FUNCTIONS.map((name) => `dist/${name}/index.mjs`);
  if (existsSync(CLI_ENTRY)) outputs.push("dist/cli.mjs");
  return (
    outputs.every((path) => existsSync(path)) &&
    Object.entries(recorded.files).every(
      ([path, before]) => fingerprint(statOrUndefined(path)) === before,
    )
  );
}

/** Which of the entries that only a full checkout has were there to build. */
function presentEntries() {
  return [CLI_ENTRY, RELAY_ENTRY].filter((entry) => existsSync(entry)).join(",");
}

function statOrUndefined(path) {
  return statSync(path, { throwIfNoEntry: false });
}

function fingerprint(info) {
  return info ? `${info.size}:${info.mtimeMs}` : "absent";
}
