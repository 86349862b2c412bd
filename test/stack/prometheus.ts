import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "../support/free-port.ts";
import { serverTempDir } from "./cache.ts";
import { managedProcess, type StartedServer } from "./managed-process.ts";
import { httpAnswers } from "./probes.ts";
import { testPrometheusConfig, testRules } from "./prometheus-config.ts";
import { startedServer } from "./server-dir.ts";

/** Restarts after stop() on the same port with the same TSDB. */
export interface PrometheusServer extends StartedServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** What a collector's prometheusremotewrite exporter writes to. */
  remoteWriteUrl: string;
  dir: string;
}

export interface PrometheusOptions {
  readyTimeoutMs?: number;
}

/**
 * Debian's prometheus (2.42, from .ci/install-stack.sh) as our own process, never the package's
 * service: config derived from monitoring/config/prometheus.yml, the repo's rules, TSDB in a temp
 * dir, the flags of monitoring/prometheus.yaml (remote-write receiver, exemplar storage).
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const dir = serverTempDir("prometheus");
  const tsdb = join(dir, "data");
  mkdirSync(tsdb);
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const rulesFile = join(dir, "slo.rules.yaml");
  writeFileSync(rulesFile, stringify(testRules()));
  const configFile = join(dir, "prometheus.yml");
  writeFileSync(configFile, stringify(testPrometheusConfig(listen, rulesFile)));
  const server = managedProcess({
    name: `prometheus on ${listen}`,
    command: process.env.PROMETHEUS || "prometheus",
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${tsdb}`,
      `--web.listen-address=${listen}`,
      "--web.enable-remote-write-receiver",
      "--enable-feature=exemplar-storage",
    ],
    logFile: join(dir, "prometheus.log"),
    isReady: () => httpAnswers(`http://${listen}/-/ready`, [200]),
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    stopTimeoutMs: 10_000,
  });
  await server.start();
  return {
    url: `http://${listen}`,
    remoteWriteUrl: `http://${listen}/api/v1/write`,
    dir,
    ...startedServer(server, dir),
  };
}
