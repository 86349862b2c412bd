import { join } from "node:path";
import { freePort } from "../support/free-port.ts";
import { serverTempDir } from "./cache.ts";
import { managedProcess, type StartedServer } from "./managed-process.ts";
import { ensureMotoServer } from "./moto.ts";
import { httpAnswers } from "./probes.ts";
import { startedServer } from "./server-dir.ts";
import { MOTO_VERSION } from "./versions.ts";

/** Restarts after stop() on the same port — with an EMPTY store: moto keeps its state in memory. */
export interface S3Server extends StartedServer {
  /** http://127.0.0.1:PORT — use with forcePathStyle: true. */
  endpoint: string;
  region: "us-east-1";
  accessKeyId: string;
  secretAccessKey: string;
  port: number;
  version: string;
}

export interface S3Options {
  readyTimeoutMs?: number;
}

/** An S3-compatible server (moto, Apache-2.0) on loopback. */
export async function startS3(options: S3Options = {}): Promise<S3Server> {
  const binary = await ensureMotoServer(MOTO_VERSION);
  const dir = serverTempDir("s3");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = managedProcess({
    name: `s3 (moto ${MOTO_VERSION}) on ${endpoint}`,
    command: binary,
    args: ["-H", "127.0.0.1", "-p", String(port)],
    env: { PYTHONUNBUFFERED: "1" },
    cwd: dir,
    logFile: join(dir, "moto.log"),
    isReady: () => httpAnswers(`${endpoint}/moto-api/`),
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    stopTimeoutMs: 10_000,
  });
  await server.start();
  return {
    endpoint,
    region: "us-east-1",
    // moto takes any credentials; these only need to be stable and obviously fake.
    accessKeyId: "stack-access-key",
    secretAccessKey: "stack-secret-key",
    port,
    version: MOTO_VERSION,
    ...startedServer(server, dir),
  };
}
