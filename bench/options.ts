// `npm run bench -- --quick`: fewer repetitions and the smaller data sets, for a run in under two
// minutes beside CI; the full run is the default. BENCH_RUNS overrides the repetitions of either.
export const quick = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";

/** Repetitions of one measurement: BENCH_RUNS if set, else the full or quick default. */
export function runs(full: number, fast: number): number {
  return Number(process.env.BENCH_RUNS ?? (quick ? fast : full));
}
