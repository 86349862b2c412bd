// Bundles each function (and the CLI) under dist/, as the container images ship them: dist/<name>/index.mjs
// plus lazily loaded chunks in dist/<name>/chunks/, so a function parses, at cold start, only the
// adapters its configuration selects (the backends' factories use dynamic import()).
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { otelEsm } from "./otel-esm-plugin.mjs";

export const FUNCTIONS = ["ingest", "index-document", "embed", "search"];

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  plugins: [otelEsm],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};

await rm("dist", { recursive: true, force: true });
await Promise.all([
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
  build({ ...common, entryPoints: ["functions/cli/main.ts"], outfile: "dist/cli.mjs" }),
  // Dev-only stand-in for the cluster's KafkaSource (local stack and tests). The image build
  // context has no dev/, so no image can contain it.
  ...(existsSync("dev/kafka-relay/main.ts")
    ? [build({ ...common, entryPoints: ["dev/kafka-relay/main.ts"], outfile: "dist/dev/kafka-relay.mjs" })]
    : []),
]);
