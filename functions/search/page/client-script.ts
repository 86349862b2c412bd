// The page's browser script, bundled from browser-entry.ts with the options in client-build.json.
// This build runs only from source (tests, tsx): scripts/build.mjs bundles the script once and puts
// its text in place of this module, so neither esbuild nor this build reaches the function's bundle.
import { buildSync } from "esbuild";
import options from "./client-build.json" with { type: "json" };

export const clientScript: string = buildSync(options as Parameters<typeof buildSync>[0])
  .outputFiles![0]!.text;
