import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePorts } from "../support/free-port.ts";
import { serverTempDir } from "./cache.ts";
import { managedProcess, type StartedServer } from "./managed-process.ts";
import { httpAnswers, tcpOpen } from "./probes.ts";
import { startedServer } from "./server-dir.ts";
import { WEAVIATE_VERSION } from "./versions.ts";
import { ensureWeaviateBinary } from "./weaviate-binary.ts";

/** Restarts after stop() on the same ports with the same data. */
export interface WeaviateServer extends StartedServer {
  /** http://127.0.0.1:PORT */
  httpUrl: string;
  httpHost: string;
  httpPort: number;
  grpcHost: string;
  grpcPort: number;
  version: string;
  dir: string;
}

export interface WeaviateOptions {
  readyTimeoutMs?: number;
  /** Requires this API key instead of anonymous access. */
  apiKey?: string;
}

/** A single-node Weaviate (anonymous access unless given an API key, no vectorizer modules) built from its Go module, on loopback. */
export async function startWeaviate(options: WeaviateOptions = {}): Promise<WeaviateServer> {
  const binary = await ensureWeaviateBinary(WEAVIATE_VERSION);
  const dir = serverTempDir("weaviate");
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const ports = await freePorts(["http", "grpc", "raft", "raftRpc", "gossip", "data"] as const);
  const host = "127.0.0.1";
  const server = managedProcess({
    name: `weaviate ${WEAVIATE_VERSION} on ${host}:${ports.http} (grpc ${ports.grpc})`,
    command: binary,
    args: ["--host", host, "--port", String(ports.http), "--scheme", "http"],
    env: {
      ...(options.apiKey
        ? {
            AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: "false",
            AUTHENTICATION_APIKEY_ENABLED: "true",
            AUTHENTICATION_APIKEY_ALLOWED_KEYS: options.apiKey,
            AUTHENTICATION_APIKEY_USERS: "knative-rag",
          }
        : { AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: "true" }),
      PERSISTENCE_DATA_PATH: dataDir,
      DEFAULT_VECTORIZER_MODULE: "none",
      ENABLE_MODULES: "",
      CLUSTER_HOSTNAME: "node1",
      // Every port a single node opens, so parallel servers and a developer's own Weaviate never clash,
      // and the cluster addresses pinned to loopback (by default raft binds the host's address).
      GRPC_PORT: String(ports.grpc),
      RAFT_PORT: String(ports.raft),
      RAFT_INTERNAL_RPC_PORT: String(ports.raftRpc),
      CLUSTER_GOSSIP_BIND_PORT: String(ports.gossip),
      CLUSTER_DATA_BIND_PORT: String(ports.data),
      CLUSTER_BIND_ADDR: host,
      CLUSTER_ADVERTISE_ADDR: host,
      GO_PROFILING_DISABLE: "true",
      PROMETHEUS_MONITORING_ENABLED: "false",
      DISABLE_TELEMETRY: "true",
      LOG_LEVEL: "info",
    },
    logFile: join(dir, "weaviate.log"),
    isReady: async () =>
      (await httpAnswers(`http://${host}:${ports.http}/v1/.well-known/ready`, [200])) &&
      (await tcpOpen(ports.grpc)),
    readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
    stopTimeoutMs: 20_000,
  });
  await server.start();
  return {
    httpUrl: `http://${host}:${ports.http}`,
    httpHost: host,
    httpPort: ports.http,
    grpcHost: host,
    grpcPort: ports.grpc,
    version: WEAVIATE_VERSION,
    dir,
    ...startedServer(server, dir),
  };
}
