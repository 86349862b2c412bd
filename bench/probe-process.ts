// Spawns one bench/embedded-store-probe.ts process and times it from spawn to its first line.
import { spawn } from "node:child_process";
import { join } from "node:path";

const PROBE = join(import.meta.dirname, "embedded-store-probe.ts");

export type ProbeKind = "store" | "sqlite" | "plain";

/** Spawn → first line (the first answer), and every JSON line the probe printed. */
export function probe(
  kind: ProbeKind,
  dir: string,
  warm = false,
): Promise<{ firstMs: number; lines: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        // node:sqlite warns that it is experimental on every start (Node 22).
        ...(kind === "sqlite" ? ["--disable-warning=ExperimentalWarning"] : []),
        "--import",
        "tsx",
        PROBE,
        kind,
        dir,
        ...(warm ? ["warm"] : []),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    let firstMs = 0;
    child.stdout.on("data", (data: Buffer) => {
      if (!firstMs) firstMs = performance.now() - started;
      output += data.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve({
            firstMs,
            lines: output
              .trim()
              .split("\n")
              .map((l) => JSON.parse(l)),
          })
        : reject(new Error(`${kind} probe exited with ${code}`)),
    );
  });
}

export const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((values.length * p) / 100))
  ]!;
export const median = (values: number[]) => percentile(values, 50);
