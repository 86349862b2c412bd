import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { packageRoot } from "../../cli/package-root.ts";
import { freePort } from "./free-port.ts";
import { waitFor } from "./wait-for.ts";

export interface FunctionProcess {
  url: string;
  child: ChildProcess;
  /** Raw stdout/stderr lines (pino JSON). */
  logs: string[];
  /** Sends a signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/**
 * One bundled function (dist/<name>/index.mjs) as a real process on a free port, ready when
 * this resolves. The caller stops it (node:test's after() inside a before() hook would run at once).
 */
export async function startFunctionProcess(
  name: string,
  env: Record<string, string>,
  /** What "started" means: readiness answers 200, or (dependencies away) the server listens. */
  until: "ready" | "listening" = "ready",
): Promise<FunctionProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(packageRoot(), "dist", name, "index.mjs")], {
    env: {
      ...process.env,
      K_SERVICE: name,
      K_REVISION: `${name}-test`,
      ...env,
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on("line", (line) => logs.push(line));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `${name} ${until} at ${url}`,
    () => {
      if (child.exitCode !== null)
        throw new Error(`${name} exited with ${child.exitCode} during start-up`);
      if (until === "listening") return logs.some((line) => line.includes('"listening"'));
      return fetch(`${url}/health/readiness`).then(
        (r) => r.ok,
        () => false,
      );
    },
    20_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}:\n${logs.join("\n")}`);
  });
  return {
    url,
    child,
    logs,
    stop: async (signal = "SIGTERM") => {
      const started = Date.now();
      if (child.exitCode !== null) return { code: child.exitCode, ms: 0 };
      const exited = once(child, "exit");
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return { code, ms: Date.now() - started };
    },
  };
}
