import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../cli/package-root.ts";
import { serverTempDir } from "./cache.ts";
import { managedProcess } from "./managed-process.ts";

export interface RelayProcess {
  logFile: string;
  /** The relay's log so far, one JSON line per entry. */
  log(): string;
  stop(): Promise<void>;
}

/** The bundled dev relay (dist/dev/kafka-relay.mjs, built by scripts/build.mjs) as its own process. */
export async function startKafkaRelayProcess(env: Record<string, string>): Promise<RelayProcess> {
  const dir = serverTempDir("kafka-relay");
  const logFile = join(dir, "relay.log");
  const log = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };
  const relay = managedProcess({
    name: "kafka relay",
    command: process.execPath,
    args: ["--enable-source-maps", join(packageRoot(), "dist", "dev", "kafka-relay.mjs")],
    env,
    logFile,
    isReady: async () => log().includes("kafka relay running"),
    readyTimeoutMs: 60_000,
    stopTimeoutMs: 10_000,
  });
  await relay.start();
  return { logFile, log, stop: relay.stop };
}
