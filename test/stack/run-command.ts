import { spawn } from "node:child_process";

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs: number;
}

/** Runs a one-off tool (mvn, go, pip, Kafka's StorageTool) to completion; throws with its output when it fails. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    const describe = `${command} ${args.join(" ")}`;
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${describe}: ${err.message} (run .ci/install-stack.sh)`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else {
        const why =
          signal === "SIGKILL"
            ? `timed out after ${options.timeoutMs / 1000}s`
            : `failed (${signal ?? `code ${code}`})`;
        reject(new Error(`${describe} ${why}:\n${output.split("\n").slice(-40).join("\n")}`));
      }
    });
  });
}
