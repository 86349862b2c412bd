import { rmSync } from "node:fs";
import { constants } from "node:os";

// Children run in their own process groups (so a whole tree can be signalled), which also means
// they would outlive this process. Whatever ends it — tests done, a failed assertion, an uncaught
// error, Ctrl-C — kills every group still alive and removes the temp dirs.
const liveGroups = new Set<number>();
const dirs = new Set<string>();
let installed = false;

export function killGroupOnExit(pgid: number): void {
  install();
  liveGroups.add(pgid);
}

export function forgetGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

export function removeOnExit(dir: string): void {
  install();
  dirs.add(dir);
}

export function forgetDir(dir: string): void {
  dirs.delete(dir);
}

/** Sends a signal to a whole process group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function killEverything(): void {
  for (const pgid of liveGroups) signalGroup(pgid, "SIGKILL");
  liveGroups.clear();
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch {
      // A dir still being written by a dying child; the OS temp cleaner gets it.
    }
  }
  dirs.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killEverything);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      killEverything();
      process.removeListener(signal, onSignal);
      // Nobody else handles it: end now with the shell's code for that signal, as the default would.
      if (process.listenerCount(signal) === 0) process.exit(128 + constants.signals[signal]);
    };
    process.on(signal, onSignal);
  }
}
