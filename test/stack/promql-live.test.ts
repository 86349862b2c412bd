// Every PromQL expression of the dashboards, rules and datasources that names only the functions'
// metrics, queried on a real Prometheus fed the way the cluster feeds it: the four function
// bundles push OTLP to a real OpenTelemetry Collector running the repo's metrics/otlp pipeline,
// which remote-writes into Prometheus running the repo's config and SLO rules. After traffic,
// each expression must evaluate, each of its selectors must match series, and (except alerts,
// empty until they fire) the expression must return data. See monitoring/README.md.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import { assertBuilt } from "../telemetry/support/span-collector.ts";
import { freePorts } from "../support/free-port.ts";
import { tempDir } from "../support/temp-dir.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  startOpenAiCompatibleServer,
  type OpenAiCompatibleServer,
} from "./openai-compatible-server.ts";
import { startOtelCollector, type OtelCollector } from "./otelcol.ts";
import { startPrometheus, type PrometheusServer } from "./prometheus.ts";
import { instantQuery, seriesCount, seriesLabels } from "./prometheus-api.ts";
import { storedNames } from "../deploy/support/metrics-catalog.ts";
import { functionMetrics, livePlan, type CheckedExpression } from "./promql-live-plan.ts";
import { driveTraffic } from "./promql-live-traffic.ts";

const plan = livePlan();
const DATA_TIMEOUT_MS = 90_000;

/** What is still missing for one expression: a query error, selectors without series, no data. */
async function problems(prometheusUrl: string, expression: CheckedExpression): Promise<string[]> {
  const found: string[] = [];
  try {
    await instantQuery(prometheusUrl, expression.expr);
  } catch (error) {
    return [(error as Error).message];
  }
  for (const selector of expression.selectors) {
    if ((await seriesCount(prometheusUrl, selector.text)) === 0)
      found.push(`no series for ${selector.text}`);
  }
  if (
    expression.expectData &&
    found.length === 0 &&
    (await seriesCount(prometheusUrl, expression.expr)) === 0
  )
    found.push("the expression returns no data");
  return found;
}

describe("PromQL of dashboards, rules and datasources on a real Prometheus fed by the functions", () => {
  let prometheus: PrometheusServer;
  let collector: OtelCollector;
  let openai: OpenAiCompatibleServer;
  let stack: LocalStack;
  const logs: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  before(async () => {
    assertBuilt();
    prometheus = await startPrometheus();
    cleanups.push(() => prometheus.cleanup());
    [collector, openai] = await Promise.all([
      startOtelCollector({ remoteWriteUrl: prometheus.remoteWriteUrl }),
      startOpenAiCompatibleServer(),
    ]);
    cleanups.push(
      () => collector.cleanup(),
      () => openai.stop(),
    );
    const dataDir = await tempDir("promql-live");
    stack = await startLocalStack({
      ports: await freePorts(FUNCTION_NAMES),
      dataDir,
      otlpEndpoint: collector.otlpUrl,
      env: {
        LOG_LEVEL: "info",
        OTEL_METRIC_EXPORT_INTERVAL: "1000",
        OTEL_TRACES_EXPORTER: "none", // this collector runs the metrics pipeline only
        EMBEDDER: "openai",
        EMBEDDING_DIMENSIONS: "64",
        LLM: "openai",
        OPENAI_BASE_URL: openai.baseUrl,
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_MAX_RETRIES: "0",
      },
      onLog: (_name, line) => logs.push(line),
    });
    cleanups.push(() => stack.stop());
    await driveTraffic(stack, openai);
    // "Cold starts per minute" counts processes whose first invocation was within the last minute:
    // start a fresh search process, as a new pod would, so the panel has one however long the above took.
    await stack.stopFunction("search");
    await stack.startFunction("search");
    assert.equal(
      (
        await fetch(`${stack.urls.search}/search`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
      ).status,
      400,
    );
    // Samples arrive every export interval; rates need two of them, recorded series one rule evaluation more.
    // Not failing here: the tests below name each expression still without data.
    await waitFor(
      "data for every expression",
      async () =>
        (await Promise.all(plan.checked.map((e) => problems(prometheus.url, e)))).flat().length ===
        0,
      DATA_TIMEOUT_MS,
      500,
    ).catch(() => undefined);
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (process.exitCode)
      console.log(
        `${logs.join("\n")}\ncollector log: ${collector?.logFile}\nprometheus log: ${prometheus?.logFile}`,
      );
  });

  it("checks the functions' expressions of every kind and skips only those of other sources", () => {
    const kinds = new Set(plan.checked.map((e) => e.kind));
    assert.deepEqual([...kinds].sort(), ["alert", "dashboard", "datasource", "recording rule"]);
    for (const skipped of plan.skipped)
      assert.doesNotMatch(skipped.reason, /no catalog source/, skipped.source);
  });

  it("every function metric of the catalog is emitted, with the attributes the catalog lists as labels", async () => {
    // Resource attributes become labels of every series too (resource_to_telemetry_conversion);
    // target_info carries those not already in job.
    const resource = new Set([
      ...(await seriesLabels(prometheus.url, "target_info")).keys(),
      "job",
      "instance",
      "service_name",
      "service_namespace",
      "otel_scope_name",
      "otel_scope_version",
    ]);
    const wrong: string[] = [];
    for (const metric of functionMetrics()) {
      for (const name of storedNames(metric)) {
        const live = await seriesLabels(prometheus.url, name);
        if (live.size === 0) {
          wrong.push(`${name}: no series`);
          continue;
        }
        const attributes = [...live.keys()]
          .filter((label) => !resource.has(label) && label !== "le")
          .sort();
        const listed = (metric.labels ?? []).filter((label) => label !== "service_name").sort();
        if (attributes.join() !== listed.join())
          wrong.push(
            `${name}: emitted [${attributes.join(", ")}], catalog lists [${listed.join(", ")}]`,
          );
        if (!live.has("service_name")) wrong.push(`${name}: no service_name label`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  for (const expression of plan.checked) {
    it(`${expression.source}`, async () => {
      assert.deepEqual(await problems(prometheus.url, expression), [], expression.expr);
    });
  }

  for (const expression of plan.skipped) {
    it(`${expression.source}`, { skip: `not emitted here: ${expression.reason}` }, () => undefined);
  }
});
