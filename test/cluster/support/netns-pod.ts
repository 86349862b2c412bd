// A pod's network as Kubernetes gives it: a network namespace of its own, where every container
// sees the same loopback, so Knative's fixed ports (queue-proxy 8012, 8022, 9090; the user port
// 8080) are used as in a cluster and never clash with the machine's. The namespace is held by a
// relay (netns-relay.ts) that joins it to the test over Unix sockets; the other containers enter
// it with nsenter. Needs root (unshare/nsenter), as the rest of test:cluster does.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { managedProcess, type ManagedProcess } from "../../stack/managed-process.ts";
import { tempDir } from "../../support/temp-dir.ts";

export interface PodResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface NetnsPod {
  dir: string;
  /** An HTTP request to `port` inside the pod (one of `inbound`). */
  request(
    port: number,
    method: string,
    urlPath: string,
    headers?: Record<string, string>,
    body?: string,
  ): Promise<PodResponse>;
  /** Starts a container: `command` run inside the pod's network namespace, ready when `isReady` says so. */
  run(
    name: string,
    command: string,
    args: string[],
    options: {
      env?: Record<string, string>;
      isReady: () => Promise<boolean>;
      stopTimeoutMs?: number;
    },
  ): Promise<ManagedProcess>;
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Whether this machine lets the tests make network namespaces (root on Linux with unshare). */
export function netnsAvailable(): { ok: true } | { ok: false; why: string } {
  const probe = spawnSync("unshare", ["--net", "true"], { encoding: "utf8" });
  return probe.status === 0
    ? { ok: true }
    : { ok: false, why: `unshare --net fails: ${probe.stderr || probe.error}` };
}

/**
 * A pod whose ports `inbound` the test can reach, and whose processes reach the test's Unix
 * socket `outbound[port]` at 127.0.0.1:port.
 */
export async function startNetnsPod(
  name: string,
  inbound: number[],
  outbound: Record<number, string>,
): Promise<NetnsPod> {
  const dir = await tempDir(`pod-${name}`);
  const socket = (port: number) => path.join(dir, `in-${port}.sock`);
  const readyFile = path.join(dir, "relay.pid");
  const mappings = [
    ...inbound.map((port) => `in:${socket(port)}=${port}`),
    ...Object.entries(outbound).map(([port, to]) => `out:${port}=${to}`),
  ];
  const containers: ManagedProcess[] = [];
  const holder = managedProcess({
    name: `${name} network namespace`,
    command: "unshare",
    args: [
      "--net",
      "sh",
      "-c",
      'ip link set lo up && exec "$0" "$@"',
      process.execPath,
      "--import",
      "tsx",
      path.join(here, "netns-relay.ts"),
      readyFile,
      ...mappings,
    ],
    logFile: path.join(dir, "relay.log"),
    isReady: async () => existsSync(readyFile),
    readyTimeoutMs: 30_000,
  });
  await holder.start();
  const netns = `/proc/${readFileSync(readyFile, "utf8").trim()}/ns/net`;

  return {
    dir,
    request: (port, method, urlPath, headers = {}, body) =>
      new Promise((resolve, reject) => {
        const req = httpRequest(
          {
            socketPath: socket(port),
            method,
            path: urlPath,
            headers: { host: `127.0.0.1:${port}`, ...headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c)).on("error", reject);
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString("utf8"),
              }),
            );
          },
        );
        req.on("error", reject);
        req.end(body);
      }),
    async run(container, command, args, { env, isReady, stopTimeoutMs = 15_000 }) {
      const proc = managedProcess({
        name: `${name}/${container}`,
        command: "nsenter",
        args: [`--net=${netns}`, "--", command, ...args],
        ...(env ? { env } : {}),
        logFile: path.join(dir, `${container}.log`),
        isReady,
        readyTimeoutMs: 60_000,
        stopTimeoutMs,
      });
      containers.push(proc);
      await proc.start();
      return proc;
    },
    async stop() {
      for (const proc of containers.reverse()) await proc.stop();
      await holder.stop();
    },
  };
}
