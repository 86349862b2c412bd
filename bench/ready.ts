// Spawn → first 200 from /health/readiness, and the resident memory at that moment.
import { spawn, type ChildProcess } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { freePort } from "../test/support/free-port.ts";

export interface Ready {
  ms: number;
  rssMb: number;
  /** CPU time of all the process's threads until ready: steadier than wall time on a busy machine. */
  cpuMs: number;
}

/** How the process is started: which node, with which flags (default: this node, no flags). */
export interface Launch {
  node?: string;
  flags?: string[];
  /** The variable the server takes its port from (default PORT). */
  portVariable?: string;
}

export async function residentMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

export async function cpuMs(pid: number): Promise<number> {
  let ns = 0;
  for (const task of await readdir(`/proc/${pid}/task`)) {
    const schedstat = await readFile(`/proc/${pid}/task/${task}/schedstat`, "utf8").catch(
      () => "0",
    );
    ns += Number(schedstat.split(" ")[0]);
  }
  return ns / 1e6;
}

/** Polls readiness every 2 ms (fine enough for cold start); resolves with performance.now() of the first 200. */
export async function waitForReady(
  child: ChildProcess,
  port: number,
  timeoutMs = 60_000,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`process exited with ${child.exitCode} before it was ready`);
    if (performance.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
    const ok = await fetch(`http://127.0.0.1:${port}/health/readiness`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return performance.now();
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Starts `node [flags] script…` and measures it to its first ready answer, then kills it. */
export async function timeToReady(
  script: string | string[],
  env: Record<string, string>,
  launch: Launch = {},
): Promise<Ready> {
  const port = await freePort();
  const args = [...(launch.flags ?? []), ...(Array.isArray(script) ? script : [script])];
  const started = performance.now();
  const child = spawn(launch.node ?? process.execPath, args, {
    env: {
      ...process.env,
      ...env,
      [launch.portVariable ?? "PORT"]: String(port),
      LOG_LEVEL: "silent",
    },
    stdio: "ignore",
  });
  try {
    const ready = await waitForReady(child, port);
    return {
      ms: ready - started,
      rssMb: await residentMb(child.pid!),
      cpuMs: await cpuMs(child.pid!),
    };
  } finally {
    child.kill("SIGKILL");
  }
}

export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
export const p99 = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.ceil(values.length * 0.99) - 1)
  ]!;
