import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { forgetGroup, killGroupOnExit, signalGroup } from "./exit-cleanup.ts";

export interface ProcessSpec {
  /** Shown in progress lines and errors, e.g. "kafka 4.4.0". */
  name: string;
  command: string;
  args: readonly string[];
  /** Added to this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** stdout and stderr are appended here, across restarts. */
  logFile: string;
  /** Resolves true once the server really serves; called until it does or the time-out passes. A throw counts as not ready and its message is reported if the time-out passes. */
  isReady: () => Promise<boolean>;
  readyTimeoutMs: number;
  /** Grace after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

/** One server child: started in its own process group, logged to a file, killed when this process exits. */
export interface ManagedProcess {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly logFile: string;
}

/** A started test server: its process, plus the removal of its temp dir. */
export interface StartedServer extends ManagedProcess {
  /** stop() and remove its temp dir (also done when the test process exits). */
  cleanup(): Promise<void>;
}

const POLL_MS = 200;

export function managedProcess(spec: ProcessSpec): ManagedProcess {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let exitReason: string | undefined;

  function spawnChild(): ChildProcess {
    const log = openSync(spec.logFile, "a");
    writeSync(log, `\n=== ${new Date().toISOString()} ${spec.command} ${spec.args.join(" ")}\n`);
    try {
      const proc = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env },
        stdio: ["ignore", log, log],
        detached: true,
      });
      // Unref'd: a test that forgets stop() must not keep node alive; the exit hook kills the group.
      proc.unref();
      return proc;
    } finally {
      closeSync(log);
    }
  }

  async function start(): Promise<void> {
    if (child) return;
    const began = performance.now();
    progress(`starting ${spec.name} (log: ${spec.logFile})`);
    const proc = spawnChild();
    child = proc;
    exitReason = undefined;
    exited = new Promise((resolve) => {
      proc.once("error", (err) => {
        exitReason = `could not start ${spec.command}: ${err.message}`;
        child = undefined;
        resolve();
      });
      proc.once("exit", (code, signal) => {
        exitReason = `exited with ${signal ?? `code ${code}`}`;
        if (proc.pid) forgetGroup(proc.pid);
        child = undefined;
        resolve();
      });
    });
    if (proc.pid) killGroupOnExit(proc.pid);
    await waitReady(proc, began);
    progress(`${spec.name} ready in ${seconds(began)}s`);
  }

  async function waitReady(proc: ChildProcess, began: number): Promise<void> {
    const deadline = began + spec.readyTimeoutMs;
    let lastProbeError = "";
    while (child === proc) {
      try {
        if (await spec.isReady()) return;
      } catch (err) {
        lastProbeError = err instanceof Error ? err.message : String(err);
      }
      if (performance.now() > deadline) break;
      await sleep(POLL_MS);
    }
    const probe = lastProbeError ? `; last readiness check: ${lastProbeError}` : "";
    const why =
      exitReason ??
      `not ready after ${seconds(began)}s (time-out ${spec.readyTimeoutMs / 1000}s${probe})`;
    proc.ref(); // keep node alive until the exit is seen
    if (proc.pid) signalGroup(proc.pid, "SIGKILL");
    await exited;
    throw new Error(`${spec.name} ${why}. Log: ${spec.logFile}\n${tail(spec.logFile, 40)}`);
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc?.pid) return;
    const began = performance.now();
    proc.ref(); // keep node alive until the exit is seen
    signalGroup(proc.pid, "SIGTERM");
    const graceful = await Promise.race([
      exited.then(() => true),
      sleep(spec.stopTimeoutMs ?? 15_000, { unref: true }).then(() => false),
    ]);
    if (!graceful) {
      progress(`${spec.name} ignored SIGTERM for ${seconds(began)}s, killing it`);
      signalGroup(proc.pid, "SIGKILL");
      await exited;
    }
    signalGroup(proc.pid, "SIGKILL"); // stragglers left in the group
    progress(`${spec.name} stopped in ${seconds(began)}s`);
  }

  return { start, stop, logFile: spec.logFile };
}

export function progress(message: string): void {
  process.stderr.write(`[stack] ${message}\n`);
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function sleep(ms: number, { unref = false } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
