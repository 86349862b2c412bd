import { join } from "node:path";
import { freePort } from "../support/free-port.ts";
import { gatedPort } from "./gated-port.ts";
import { serverTempDir } from "./cache.ts";
import { managedProcess, type StartedServer } from "./managed-process.ts";
import { ensureMotoServer } from "./moto.ts";
import { httpAnswers } from "./probes.ts";
import { startedServer } from "./server-dir.ts";
import { MOTO_VERSION } from "./versions.ts";

/** Restarts after stop() on the same port — with an EMPTY store (moto keeps its state in memory) unless `persistent`. */
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
  /**
   * Keep the objects across stop()/start(), like a real store: moto records every request
   * (its recorder, MOTO_ENABLE_RECORDING) and replays the recording when it starts again.
   */
  persistent?: boolean;
}

/** An S3-compatible server (moto, Apache-2.0) on loopback. */
export async function startS3(options: S3Options = {}): Promise<S3Server> {
  const binary = await ensureMotoServer(MOTO_VERSION);
  const dir = serverTempDir("s3");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Persistent: clients reach moto through a gate that opens only once the recording is replayed.
  const motoPort = options.persistent ? await freePort() : port;
  const motoUrl = `http://127.0.0.1:${motoPort}`;
  const server = managedProcess({
    name: `s3 (moto ${MOTO_VERSION}) on ${endpoint}`,
    command: binary,
    args: ["-H", "127.0.0.1", "-p", String(motoPort)],
    env: {
      PYTHONUNBUFFERED: "1",
      ...(options.persistent
        ? { MOTO_ENABLE_RECORDING: "true", MOTO_RECORDER_FILEPATH: join(dir, "recording.jsonl") }
        : {}),
    },
    cwd: dir,
    logFile: join(dir, "moto.log"),
    isReady: () => httpAnswers(`${motoUrl}/moto-api/`),
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    stopTimeoutMs: 10_000,
  });
  const gate = options.persistent ? await gatedPort(port, motoPort) : undefined;
  await server.start();
  gate?.open();
  const started = startedServer(server, dir);
  const start = async () => {
    await server.start();
    if (!gate) return;
    // Replayed to moto's own port: the recording's requests are rewritten to the replay request's host.
    const replayed = await fetch(`${motoUrl}/moto-api/recorder/replay-recording`, {
      method: "POST",
    });
    if (!replayed.ok)
      throw new Error(
        `moto could not replay its recording: ${replayed.status} ${await replayed.text()}`,
      );
    gate.open();
  };
  const stop = async () => {
    gate?.close();
    await server.stop();
  };
  return {
    endpoint,
    region: "us-east-1",
    // moto takes any credentials; these only need to be stable and obviously fake.
    accessKeyId: "stack-access-key",
    secretAccessKey: "stack-secret-key",
    port,
    version: MOTO_VERSION,
    ...started,
    start,
    stop,
    cleanup: async () => {
      await gate?.stop();
      await started.cleanup();
    },
  };
}
