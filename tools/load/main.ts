// npm run load — mixed ingest + search against the local stack or, with --allow-remote, the
// cluster: watch scale-from-zero and autoscaling on the Grafana cold-start dashboard meanwhile.
import { type LoadOptions, parseLoadOptions, USAGE } from "./options.ts";
import { runLoad } from "./run.ts";
import { formatSummary } from "./stats.ts";

if (process.argv.includes("--help")) {
  console.log(USAGE);
  process.exit(0);
}
let options: LoadOptions;
try {
  options = parseLoadOptions(process.argv.slice(2));
} catch (error) {
  console.error(`load: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const rates = options.steps
  .map((s) => (Number.isFinite(s.seconds) ? `${s.rate}/s for ${s.seconds} s` : `${s.rate}/s`))
  .join(", then ");
console.error(
  `load: ${rates}; at most ${options.count} requests or ${options.durationSeconds} s; ingest ${options.ingestUrl.origin}, search ${options.searchUrl.origin}`,
);
const tty = process.stderr.isTTY;
const summary = await runLoad(options, (s, inFlight) => {
  const line = `${s.elapsedSeconds.toFixed(0)} s  sent ${s.sent}  ${s.rateHeld.toFixed(1)} req/s  in flight ${inFlight}  errors ${s.errors}`;
  process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
});
if (tty) process.stderr.write("\n");
console.log(options.json ? JSON.stringify(summary) : formatSummary(summary));
process.exit(summary.errors > 0 ? 1 : 0);
