import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePorts } from "../support/free-port.ts";
import { serverTempDir } from "./cache.ts";
import { managedProcess, type StartedServer } from "./managed-process.ts";
import { ensureOtelcolBinary } from "./otelcol-binary.ts";
import { testCollectorConfig } from "./otelcol-config.ts";
import { httpAnswers } from "./probes.ts";
import { startedServer } from "./server-dir.ts";

export interface OtelCollector extends StartedServer {
  /** OTLP/HTTP base URL, http://127.0.0.1:PORT — give it as OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpUrl: string;
  version: string;
  /** The config it runs, derived from monitoring/config/otel-collector.yaml. */
  configFile: string;
  dir: string;
}

export interface OtelCollectorOptions {
  /** Where the prometheusremotewrite exporter writes, e.g. prometheus.remoteWriteUrl. */
  remoteWriteUrl: string;
  readyTimeoutMs?: number;
}

/** The test collector (built from test/stack/otelcol/builder-config.yaml) running the repo's metrics/otlp pipeline. */
export async function startOtelCollector(options: OtelCollectorOptions): Promise<OtelCollector> {
  const { binary, version } = await ensureOtelcolBinary();
  const dir = serverTempDir("otelcol");
  const ports = await freePorts(["otlpHttp", "health"] as const);
  const host = "127.0.0.1";
  const configFile = join(dir, "otel-collector.yaml");
  const config = testCollectorConfig({
    otlpHttp: `${host}:${ports.otlpHttp}`,
    health: `${host}:${ports.health}`,
    remoteWriteUrl: options.remoteWriteUrl,
  });
  writeFileSync(configFile, stringify(config));
  const server = managedProcess({
    name: `otelcol ${version} on ${host}:${ports.otlpHttp}`,
    command: binary,
    args: ["--config", configFile],
    logFile: join(dir, "otelcol.log"),
    isReady: () => httpAnswers(`http://${host}:${ports.health}/`, [200]),
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    stopTimeoutMs: 10_000,
  });
  await server.start();
  return {
    otlpUrl: `http://${host}:${ports.otlpHttp}`,
    version,
    configFile,
    dir,
    ...startedServer(server, dir),
  };
}
