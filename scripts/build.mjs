// Bundles each function (and the CLI) into one ESM file under dist/, as the container images ship them.
import { build } from "esbuild";
import { rm } from "node:fs/promises";

export const FUNCTIONS = ["ingest", "index-document", "embed", "search"];

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};

await rm("dist", { recursive: true, force: true });
await Promise.all([
  ...FUNCTIONS.map((name) =>
    build({ ...common, entryPoints: [`functions/${name}/main.ts`], outfile: `dist/${name}/index.mjs`, metafile: false }),
  ),
  build({ ...common, entryPoints: ["functions/cli/main.ts"], outfile: "dist/cli.mjs" }),
]);
