// Cold start of each bundled function: spawn → first 200 from /health/readiness, median of N,
// side by side with a bare node:http server, with telemetry off and on. Run: npm run bench
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../test/support/free-port.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const FUNCTIONS = ["ingest", "index-document", "embed", "search"] as const;

async function timeToReady(script: string, env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "silent" }, stdio: "ignore" });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health/readiness`);
        if (response.ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill("SIGKILL");
  }
}

async function median(script: string, env: Record<string, string>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await timeToReady(script, env));
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

export async function coldStartBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-cold-"));
  try {
    const bare = join(dir, "bare.mjs");
    await writeFile(bare, `import { createServer } from "node:http"; createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT));`);
    const deadCollector = `http://127.0.0.1:${await freePort()}`;
    const common = { DATA_DIR: join(dir, "data"), EMBED_URL: "http://127.0.0.1:9", K_SINK: "http://127.0.0.1:9/" };
    const baseline = await median(bare, {});
    console.log(`\nCold start, spawn → first 200, median of ${RUNS} (ratio to a bare node:http server)`);
    console.log(`${"bare node:http".padEnd(16)} ${baseline.toFixed(0).padStart(5)} ms  1.00x`);
    console.log(`${"function".padEnd(16)} ${"bundle".padStart(9)} ${"telemetry off".padStart(20)} ${"telemetry on".padStart(20)}`);
    for (const name of FUNCTIONS) {
      const script = join("dist", name, "index.mjs");
      const size = (await stat(script)).size / 1024 / 1024;
      const off = await median(script, { ...common, K_SERVICE: name, OBSERVABILITY_ENABLED: "false" });
      const on = await median(script, { ...common, K_SERVICE: name, OBSERVABILITY_ENABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: deadCollector });
      const cell = (ms: number) => `${ms.toFixed(0).padStart(5)} ms ${(ms / baseline).toFixed(2).padStart(5)}x`;
      console.log(`${name.padEnd(16)} ${`${size.toFixed(2)} MB`.padStart(9)} ${cell(off).padStart(20)} ${cell(on).padStart(20)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
