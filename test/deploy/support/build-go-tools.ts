// Builds the Go test tools named on the command line (all of them without arguments) into
// ~/.cache/knative-rag/bin, printing how long each took. .ci/install-knative-tools.sh runs it so the
// cold build happens once per machine, before the tests; the tests rebuild incrementally.
import { GO_TOOLS, buildGoTool, goCommand, type GoTool } from "./go-tools.ts";

const go = goCommand();
if (!go) {
  console.error("Go is not installed (the machine image carries it at /usr/local/go)");
  process.exit(1);
}
const names = (process.argv.length > 2 ? process.argv.slice(2) : Object.keys(GO_TOOLS)) as GoTool[];
for (const name of names) {
  if (!(name in GO_TOOLS)) {
    console.error(`unknown tool ${name}; known: ${Object.keys(GO_TOOLS).join(", ")}`);
    process.exit(2);
  }
  const { binary, seconds, rebuilt } = buildGoTool(go, name);
  console.log(`${name}: ${binary} ${rebuilt ? "built" : "up to date"} in ${seconds.toFixed(1)} s`);
}
