// Cold start of each bundled function: spawn → first 200 from /health/readiness, median of N,
// side by side with a bare node:http server, with telemetry off and on; and the resident memory
// at that moment (what a fresh pod holds before its first request). Run: npm run bench
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../test/support/free-port.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const FUNCTIONS = ["ingest", "index-document", "embed", "search"] as const;

export interface Ready {
  ms: number;
  rssMb: number;
}

async function residentMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** How the process is started: which node, with which flags (default: this node, no flags). */
export interface Launch {
  node?: string;
  flags?: string[];
}

export async function timeToReady(script: string, env: Record<string, string>, launch: Launch = {}): Promise<Ready> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(launch.node ?? process.execPath, [...(launch.flags ?? []), script], { env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "silent" }, stdio: "ignore" });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health/readiness`);
        if (response.ok) return { ms: performance.now() - started, rssMb: await residentMb(child.pid!) };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill("SIGKILL");
  }
}

async function median(script: string, env: Record<string, string>): Promise<Ready> {
  const samples: Ready[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await timeToReady(script, env));
  const middle = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { ms: middle(samples.map((r) => r.ms)), rssMb: middle(samples.map((r) => r.rssMb)) };
}

export async function coldStartBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-cold-"));
  try {
    const bare = join(dir, "bare.mjs");
    await writeFile(bare, `import { createServer } from "node:http"; createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT));`);
    const deadCollector = `http://127.0.0.1:${await freePort()}`;
    const common = { DATA_DIR: join(dir, "data"), EMBED_URL: "http://127.0.0.1:9", K_SINK: "http://127.0.0.1:9/" };
    const baseline = await median(bare, {});
    const ratio = (value: number, base: number) => `${(value / base).toFixed(2).padStart(5)}x`;
    const time = (r: Ready) => `${r.ms.toFixed(0).padStart(5)} ms ${ratio(r.ms, baseline.ms)}`;
    const memory = (r: Ready) => `${r.rssMb.toFixed(0).padStart(4)} MB ${ratio(r.rssMb, baseline.rssMb)}`;
    console.log(`\nCold start, spawn → first 200, median of ${RUNS} (ratio to a bare node:http server); resident memory then`);
    console.log(`${"bare node:http".padEnd(16)} ${"".padStart(9)} ${time(baseline).padStart(20)} ${"".padStart(20)} ${memory(baseline).padStart(16)}`);
    console.log(`${"function".padEnd(16)} ${"bundle".padStart(9)} ${"telemetry off".padStart(20)} ${"telemetry on".padStart(20)} ${"RSS (on)".padStart(16)}`);
    for (const name of FUNCTIONS) {
      const script = join("dist", name, "index.mjs");
      const size = (await stat(script)).size / 1024 / 1024;
      const off = await median(script, { ...common, K_SERVICE: name, OBSERVABILITY_ENABLED: "false" });
      const on = await median(script, { ...common, K_SERVICE: name, OBSERVABILITY_ENABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: deadCollector });
      console.log(`${name.padEnd(16)} ${`${size.toFixed(2)} MB`.padStart(9)} ${time(off).padStart(20)} ${time(on).padStart(20)} ${memory(on).padStart(16)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
