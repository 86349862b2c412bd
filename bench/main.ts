// npm run bench [-- [--quick] [name…]]: every bench, or the named ones, in this order; the tables
// are printed as they are measured and the run is written under bench/results/.
import { coldStartBench } from "./cold-start.ts";
import { embeddedSearchBench } from "./embedded-search.ts";
import { imageContainersBench } from "./image-containers.ts";
import { importBreakdownBench } from "./import-breakdown.ts";
import { ingestBench } from "./ingest.ts";
import { realStackBench } from "./real-stack.ts";
import { writeResults } from "./report.ts";

const benches: Record<string, () => Promise<void>> = {
  "cold-start": coldStartBench,
  breakdown: importBreakdownBench,
  search: embeddedSearchBench,
  ingest: ingestBench,
  "real-stack": realStackBench,
  containers: imageContainersBench,
};

const named = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const unknown = named.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(
    `bench: unknown bench ${unknown.join(", ")}; known: ${Object.keys(benches).join(", ")}`,
  );
  process.exit(2);
}
const started = new Date();
for (const [name, bench] of Object.entries(benches))
  if (named.length === 0 || named.includes(name)) await bench();
console.log(`\nwritten: ${await writeResults(started)}`);
