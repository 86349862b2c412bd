// esbuild plugin: bundles the search page's browser script (functions/search/page/client-build.json)
// and puts its text in place of client-script.ts, which would otherwise bundle it at start-up with
// esbuild, a dev dependency. The script's own sources go into `inputs`, which build.mjs records
// with the rest, so a change to the page's code triggers a rebuild.
import { readFileSync } from "node:fs";

const OPTIONS_FILE = "functions/search/page/client-build.json";

export const pageScriptInputs = new Set([OPTIONS_FILE]);

export const pageScript = {
  name: "search-page-script",
  setup(build) {
    build.onLoad({ filter: /[\\/]search[\\/]page[\\/]client-script\.ts$/ }, async () => {
      const options = JSON.parse(readFileSync(OPTIONS_FILE, "utf8"));
      const result = await build.esbuild.build({ ...options, metafile: true, logLevel: "warning" });
      for (const input of Object.keys(result.metafile.inputs)) pageScriptInputs.add(input);
      const text = result.outputFiles[0].text;
      return { contents: `export const clientScript = ${JSON.stringify(text)};`, loader: "js" };
    });
  },
};
