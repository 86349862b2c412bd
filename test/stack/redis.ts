import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../support/free-port.ts";
import { serverTempDir } from "./cache.ts";
import { managedProcess, type StartedServer } from "./managed-process.ts";
import { redisPong } from "./probes.ts";
import { startedServer } from "./server-dir.ts";

/** Restarts after stop() on the same port; keys survive (append-only file in the temp dir). */
export interface RedisServer extends StartedServer {
  /** redis://127.0.0.1:PORT */
  url: string;
  port: number;
  dir: string;
}

export interface RedisOptions {
  readyTimeoutMs?: number;
}

/** Debian's redis-server (installed by .ci/install-stack.sh), on loopback, data in a temp dir. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const dir = serverTempDir("redis");
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const port = await freePort();
  const server = managedProcess({
    name: `redis on 127.0.0.1:${port}`,
    command: process.env.REDIS_SERVER || "redis-server",
    // No RDB snapshots; an append-only file instead, so stop()/start() keeps the keys like the other servers.
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dataDir,
      "--save",
      "",
      "--appendonly",
      "yes",
      "--daemonize",
      "no",
      "--logfile",
      "",
    ],
    logFile: join(dir, "redis.log"),
    isReady: () => redisPong(port),
    readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
    stopTimeoutMs: 10_000,
  });
  await server.start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    ...startedServer(server, dir),
  };
}
