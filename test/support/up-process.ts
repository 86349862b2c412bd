import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { tempDir } from "./temp-dir.ts";

export interface UpProcess {
  child: ChildProcess;
  /** stdout and stderr, line by line, as they arrive. */
  output: string[];
}

/**
 * `npm start` without the build step: the CLI's `up` (unseeded, in a temporary data folder) as a
 * real process with `env` on top of this one's, minus any collector of the caller's own.
 */
export async function spawnUp(env: Record<string, string>): Promise<UpProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.OTEL_EXPORTER_OTLP_ENDPOINT;
  const child = spawn(
    process.execPath,
    ["dist/cli.mjs", "up", "--no-seed", "--data-dir", await tempDir("up")],
    { env: childEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on("line", (line) => output.push(line));
  return { child, output };
}
