import { rmSync } from "node:fs";
import { forgetDir } from "./exit-cleanup.ts";
import type { ManagedProcess, StartedServer } from "./managed-process.ts";

/** A started server's process handle, whose cleanup() stops it, then removes its temp dir (data and log). */
export function startedServer(server: ManagedProcess, dir: string): StartedServer {
  return {
    logFile: server.logFile,
    start: server.start,
    stop: server.stop,
    cleanup: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      forgetDir(dir);
    },
  };
}
