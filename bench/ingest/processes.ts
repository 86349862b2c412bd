import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "../../test/support/free-port.ts";

export interface Running {
  url: string;
  /** CPU time the process has used so far (user + system), ms; NaN where /proc is not. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** The floor handler (floor-server.ts) as its own process, writing under `dir`. */
export async function startFloor(dir: string): Promise<Running> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "floor-server.ts")],
    { env: { ...process.env, PORT: String(port), FLOOR_DIR: dir }, stdio: "ignore" },
  );
  return running(child, `http://127.0.0.1:${port}`);
}

/** The bundled ingest function as the image runs it (telemetry on), alone, its spool delivering to `sink`. */
export async function startIngestAlone(
  dataDir: string,
  sink: string,
  otlpEndpoint: string,
): Promise<Running> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, "..", "..", "dist", "ingest", "index.mjs")],
    {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        BIND_ADDRESS: "127.0.0.1",
        K_SINK: sink,
        K_SERVICE: "ingest",
        K_REVISION: "ingest-bench",
        OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
      },
      stdio: "ignore",
    },
  );
  return running(child, `http://127.0.0.1:${port}`);
}

async function running(child: ChildProcess, url: string): Promise<Running> {
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${url}: process exited with ${child.exitCode} during start-up`);
    const ready = await fetch(`${url}/health/readiness`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, stop, cpuMs: () => cpuMsOf(child.pid!) };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${url}: not ready within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** utime + stime of /proc/<pid>/stat, in ms (clock ticks are 100 Hz on Linux). */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
