// node:test reporter: after the run, every test file with its wall time (import and tests),
// slowest first, so it is visible where the suite's time goes.
import { relative } from "node:path";

export default async function* fileTiming(source) {
  const files = [];
  for await (const event of source) {
    // Each file runs as one top-level test named after the file; its duration covers the whole process.
    const { file, name, nesting, details } = event.data ?? {};
    if (
      event.type === "test:complete" &&
      nesting === 0 &&
      file?.endsWith(name) &&
      details?.duration_ms !== undefined
    ) {
      files.push({
        file: relative(process.cwd(), file),
        ms: details.duration_ms,
        passed: details.passed !== false,
      });
    }
  }
  if (files.length === 0) return;
  const total = files.reduce((sum, f) => sum + f.ms, 0);
  yield `\nTime per test file, slowest first (${files.length} files; ${(total / 1000).toFixed(1)} s added up):\n`;
  for (const f of files.sort((a, b) => b.ms - a.ms)) {
    yield `${(f.ms / 1000).toFixed(1).padStart(7)} s  ${f.file}${f.passed ? "" : "  (failed)"}\n`;
  }
}
