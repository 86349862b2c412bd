import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const REPO_COLLECTOR_CONFIG = fileURLToPath(
  new URL("../../monitoring/config/otel-collector.yaml", import.meta.url),
);
const PIPELINE = "metrics/otlp";
/** Asks the Kubernetes API for pod metadata: there is none on loopback. */
const NEEDS_KUBERNETES = new Set(["k8sattributes"]);

export interface TestCollectorEndpoints {
  /** OTLP/HTTP receiver, 127.0.0.1:PORT */
  otlpHttp: string;
  /** health_check extension, 127.0.0.1:PORT */
  health: string;
  /** Prometheus' remote-write receiver, http://127.0.0.1:PORT/api/v1/write */
  remoteWriteUrl: string;
}

type Section = Record<string, Record<string, unknown>>;
interface CollectorConfig {
  receivers: Section;
  processors: Section;
  exporters: Section;
  extensions: Section;
  service: {
    extensions: string[];
    pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
  };
}

/**
 * The repo's collector config cut down to its `metrics/otlp` pipeline, so the tests run the
 * processors and the remote-write exporter exactly as the cluster does. What changes, and why:
 * - receivers.otlp: HTTP only, on a free loopback port (the functions export OTLP/HTTP; no gRPC).
 * - processors: k8sattributes dropped (needs the Kubernetes API); the others as written, except
 *   batch.timeout 5s -> 200ms so samples reach Prometheus within a second.
 * - exporters: prometheusremotewrite as written, endpoint -> the test Prometheus. otlp/tempo and
 *   otlphttp/loki dropped (no Tempo or Loki here), with the pipelines that use them (traces, logs)
 *   and the scrape pipeline (its filelog and prometheus receivers discover pods).
 * - extensions.health_check on a free loopback port; the collector's own metrics are off (they
 *   would listen on the fixed port 8888).
 */
export function testCollectorConfig(
  endpoints: TestCollectorEndpoints,
  file = REPO_COLLECTOR_CONFIG,
): CollectorConfig {
  const repo = parse(readFileSync(file, "utf8")) as CollectorConfig;
  const pipeline = repo.service.pipelines[PIPELINE];
  if (!pipeline) throw new Error(`${file}: no pipeline ${PIPELINE}`);
  const processors = pipeline.processors.filter((name) => !NEEDS_KUBERNETES.has(name));
  const processorConfigs = Object.fromEntries(
    processors.map((name) => [name, required(repo.processors, name, file)]),
  );
  if (processorConfigs.batch)
    processorConfigs.batch = { ...processorConfigs.batch, timeout: "200ms" };
  const exporters = Object.fromEntries(
    pipeline.exporters.map((name) => [
      name,
      { ...required(repo.exporters, name, file), endpoint: endpoints.remoteWriteUrl },
    ]),
  );
  if (pipeline.receivers.join() !== "otlp")
    throw new Error(
      `${file}: ${PIPELINE} receives from ${pipeline.receivers.join(", ")}; expected otlp`,
    );
  return {
    receivers: { otlp: { protocols: { http: { endpoint: endpoints.otlpHttp } } } },
    processors: processorConfigs,
    exporters,
    extensions: {
      health_check: {
        ...required(repo.extensions, "health_check", file),
        endpoint: endpoints.health,
      },
    },
    service: {
      extensions: ["health_check"],
      pipelines: { [PIPELINE]: { receivers: ["otlp"], processors, exporters: pipeline.exporters } },
      telemetry: { metrics: { level: "none" } },
    } as CollectorConfig["service"],
  };
}

function required(section: Section, name: string, file: string): Record<string, unknown> {
  const config = section[name];
  if (!config) throw new Error(`${file}: ${name} is used by ${PIPELINE} but not configured`);
  return config;
}
