// The monitoring stack: every PromQL expression parses (promtool), names only metrics the
// functions emit or the named exporters/Knative document (monitoring/metrics-catalog.yaml),
// dashboards are provisioned as generated, and the datasources correlate.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe as suite, it } from "node:test";
import {
  allExpressions,
  DASHBOARD_FILES,
  dashboardExpressions,
  metricNames,
  promtoolParse,
  readDashboard,
  recordedNames,
  RULE_FILES,
} from "./support/promql.ts";
import {
  findObject,
  inCi,
  isObject,
  loadYamlOne,
  readText,
  repoPath,
  toolAvailable,
} from "./support/repo.ts";
import { renderDashboard } from "../../monitoring/grafana/dashboards/generate.ts";
import { dashboards } from "../../monitoring/grafana/dashboards/panels.ts";
import { FUNCTIONS_SOURCE, readCatalog, storedNames } from "./support/metrics-catalog.ts";

function catalogNames(): Set<string> {
  const names = new Set<string>();
  for (const source of Object.values(readCatalog().sources)) {
    assert.ok(source.doc, "every catalog source names its documentation");
    for (const metric of source.metrics) for (const name of storedNames(metric)) names.add(name);
  }
  return names;
}

function requireTool(t: { skip(message: string): void }, tool: string): boolean {
  if (toolAvailable(tool)) return true;
  if (inCi) assert.fail(`${tool} is missing in CI (.ci/install-deploy-tools.sh installs it)`);
  t.skip(`${tool} not installed (apt-get install prometheus); PromQL not parsed`);
  return false;
}

suite("PromQL", () => {
  it("the rule files pass promtool check rules", (t) => {
    if (!requireTool(t, "promtool")) return;
    for (const file of RULE_FILES) {
      const result = spawnSync("promtool", ["check", "rules", repoPath(file)], {
        encoding: "utf8",
      });
      assert.equal(result.status, 0, `${file}:\n${result.stdout}${result.stderr}`);
    }
  });

  it("every expression in dashboards, rules and datasources parses", (t) => {
    if (!requireTool(t, "promtool")) return;
    const expressions = allExpressions();
    assert.ok(
      expressions.length > 40,
      `expected the dashboards' and rules' expressions, found ${expressions.length}`,
    );
    assert.deepEqual(promtoolParse(expressions), []);
  });

  it("a broken expression is reported with its source", (t) => {
    if (!requireTool(t, "promtool")) return;
    const failures = promtoolParse([
      { source: "good", raw: "up", expr: "up" },
      { source: "broken", raw: "sum(rate(x[5m])", expr: "sum(rate(x[5m])" },
    ]);
    assert.equal(failures.length, 1);
    assert.match(failures[0]!, /^broken:/);
  });

  it("every metric named is emitted by the functions, documented by an exporter/Knative, or recorded by a rule", () => {
    const known = new Set([...catalogNames(), ...recordedNames()]);
    const unknown: string[] = [];
    for (const expression of allExpressions()) {
      for (const name of metricNames(expression.expr))
        if (!known.has(name)) unknown.push(`${name} (${expression.source})`);
    }
    assert.deepEqual(unknown, []);
  });

  it("metricNames finds metrics and ignores functions, labels, keywords and durations", () => {
    assert.deepEqual(
      metricNames(
        'sum by (le, service_name) (rate(a_bucket{service_name=~"x|y"}[5m])) / on (job) group_left b_total offset 5m > bool 0.5',
      ),
      ["a_bucket", "b_total"],
    );
    assert.deepEqual(metricNames("count(x unless x offset 1m)"), ["x"]);
    assert.deepEqual(metricNames("rag:search_errors:ratio_rate5m > (14.4 * 0.005)"), [
      "rag:search_errors:ratio_rate5m",
    ]);
  });

  it("the functions' contract metrics are all on a dashboard or in a rule", () => {
    const used = new Set(allExpressions().flatMap((e) => metricNames(e.expr)));
    const missing = readCatalog().sources[FUNCTIONS_SOURCE]!.metrics.filter(
      (m) => !storedNames(m).some((n) => used.has(n)),
    );
    assert.deepEqual(
      missing.map((m) => m.name),
      [],
    );
  });
});

suite("dashboards", () => {
  it("the committed JSON is what panels.ts generates (npm run dashboards)", () => {
    for (const dashboard of dashboards) {
      const committed = readText(`monitoring/grafana/dashboards/${dashboard.file}`);
      assert.equal(
        committed,
        `${JSON.stringify(renderDashboard(dashboard), null, 2)}\n`,
        `${dashboard.file} is stale: run npm run dashboards`,
      );
    }
  });

  it("Cold starts comes first and is Grafana's home dashboard", () => {
    const kustomization = loadYamlOne<{ configMapGenerator: { name: string; files: string[] }[] }>(
      "monitoring/kustomization.yaml",
    );
    const files = kustomization.configMapGenerator.find(
      (g) => g.name === "grafana-dashboards",
    )!.files;
    assert.deepEqual(
      files,
      DASHBOARD_FILES.map((f) => `grafana/dashboards/${f}`),
    );
    assert.equal(readDashboard(DASHBOARD_FILES[0]!).title, "Cold starts");
    const grafana = findObject("Deployment", "grafana", "observability")!;
    const env = grafana.spec.template.spec.containers[0].env as { name: string; value: string }[];
    assert.equal(
      env.find((e) => e.name === "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")?.value,
      "/var/lib/grafana/dashboards/knative-rag/cold-starts.json",
    );
  });

  it("the Cold starts dashboard covers cold starts, init time, scaling and the activator queue", () => {
    const exprs = dashboardExpressions("cold-starts.json")
      .map((e) => e.raw)
      .join("\n");
    for (const needle of [
      "faas_coldstarts_total",
      "faas_init_duration_seconds_bucket",
      "kn_revision_pods_desired",
      "kn_revision_pods_count",
      "kn_revision_request_queued",
      "throttler_try",
      'faas_coldstart="true"',
    ]) {
      assert.ok(exprs.includes(needle), `Cold starts dashboard lacks ${needle}`);
    }
    for (const q of ["0.5", "0.95", "0.99"])
      assert.ok(
        exprs.includes(
          `histogram_quantile(${q}, sum by (le, service_name) (rate(faas_init_duration`,
        ),
        `init p${q}`,
      );
  });

  it("uids are unique and every panel uses a provisioned datasource", () => {
    const datasources = loadYamlOne<{ datasources: { uid: string }[] }>(
      "monitoring/grafana/provisioning/datasources/datasources.yaml",
    );
    const uids = new Set(datasources.datasources.map((d) => d.uid));
    const dashboardUids = new Set<string>();
    for (const file of DASHBOARD_FILES) {
      const dashboard = readDashboard(file);
      assert.ok(!dashboardUids.has(dashboard.uid), `duplicate dashboard uid ${dashboard.uid}`);
      dashboardUids.add(dashboard.uid);
      for (const panel of dashboard.panels.filter((p) => p.type !== "row")) {
        assert.ok(
          uids.has(panel.datasource?.uid ?? ""),
          `${file} / ${panel.title}: datasource ${panel.datasource?.uid}`,
        );
        for (const target of panel.targets ?? [])
          assert.ok(uids.has(target.datasource?.uid ?? ""), `${file} / ${panel.title}`);
        const variables = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
        for (const target of panel.targets ?? []) {
          for (const [, name] of target.expr.matchAll(/\$(\w+)/g)) {
            if (!name!.startsWith("__"))
              assert.ok(
                variables.has(name!),
                `${file} / ${panel.title}: undefined variable $${name}`,
              );
          }
        }
      }
    }
  });
});

suite("datasources and correlation", () => {
  const file = "monitoring/grafana/provisioning/datasources/datasources.yaml";
  const config = () =>
    loadYamlOne<{
      datasources: { name: string; type: string; uid: string; url: string; jsonData: any }[];
    }>(file);

  it("metrics -> traces, traces -> logs, traces -> metrics and logs -> traces are wired", () => {
    const byUid = new Map(config().datasources.map((d) => [d.uid, d]));
    const prometheus = byUid.get("prometheus")!;
    const tempo = byUid.get("tempo")!;
    const loki = byUid.get("loki")!;
    assert.deepEqual(
      prometheus.jsonData.exemplarTraceIdDestinations.map(
        (d: { name: string; datasourceUid: string }) => `${d.name}->${d.datasourceUid}`,
      ),
      ["trace_id->tempo", "traceID->tempo"],
    );
    assert.equal(tempo.jsonData.tracesToLogsV2.datasourceUid, "loki");
    assert.match(tempo.jsonData.tracesToLogsV2.query, /trace_id="\$\$\{__trace\.traceId\}"/);
    assert.equal(tempo.jsonData.tracesToMetrics.datasourceUid, "prometheus");
    assert.equal(tempo.jsonData.serviceMap.datasourceUid, "prometheus");
    assert.equal(loki.jsonData.derivedFields[0].datasourceUid, "tempo");
    assert.equal(loki.jsonData.derivedFields[0].matcherType, "label");
  });

  it("every literal $ is escaped for Grafana's provisioning ($$)", () => {
    const unescaped = readText(file)
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("#"))
      .filter((line) => /(^|[^$])\$(?!\$)/.test(line.replaceAll("$$", "")));
    assert.deepEqual(unescaped, []);
  });

  it("datasource URLs name Services of the monitoring stack", () => {
    for (const ds of config().datasources) {
      const url = new URL(ds.url);
      const [service, namespace] = url.hostname.split(".");
      const object = findObject("Service", service!, namespace);
      assert.ok(object, `${ds.name}: no Service ${service} in ${namespace}`);
      assert.ok(
        (object.spec.ports as { port: number }[]).some((p) => p.port === Number(url.port)),
        `${ds.name}: Service ${service} has no port ${url.port}`,
      );
    }
  });
});

suite("collector, Tempo, Prometheus", () => {
  it("every pipeline component of the collector is defined, and exports go to real Services", () => {
    const config = loadYamlOne<Record<string, any>>("monitoring/config/otel-collector.yaml");
    for (const [name, pipeline] of Object.entries(
      config.service.pipelines as Record<string, Record<string, string[]>>,
    )) {
      for (const section of ["receivers", "processors", "exporters"]) {
        for (const component of pipeline[section] ?? [])
          assert.ok(
            config[section]?.[component] !== undefined,
            `${name}: ${section}.${component} undefined`,
          );
      }
    }
    const endpoints = [
      config.exporters["otlp/tempo"].endpoint as string,
      new URL(config.exporters.prometheusremotewrite.endpoint).host,
      new URL(config.exporters["otlphttp/loki"].endpoint).host,
    ];
    for (const endpoint of endpoints) {
      const [host, port] = endpoint.split(":");
      const [service, namespace] = host!.split(".");
      const object = findObject("Service", service!, namespace);
      assert.ok(object, `no Service for ${endpoint}`);
      assert.ok(
        (object.spec.ports as { port: number }[]).some((p) => p.port === Number(port)),
        `${endpoint}: no such port`,
      );
    }
    assert.equal(
      config.exporters.prometheusremotewrite.resource_to_telemetry_conversion.enabled,
      true,
      "dashboards select on service_name",
    );
  });

  it("the collector's scrape jobs match the labels and ports of what they scrape", () => {
    const text = readText("monitoring/config/otel-collector.yaml");
    assert.match(text, /regex: rag-kafka-kafka-exporter;tcp-prometheus/);
    assert.match(text, /regex: redis;metrics/);
    assert.match(text, /regex: minio;s3/);
    const redis = findObject("Deployment", "redis", "rag-data")!;
    assert.ok(JSON.stringify(redis.spec.template.spec.containers).includes('"name":"metrics"'));
    const minio = findObject("StatefulSet", "minio", "rag-data")!;
    assert.ok(JSON.stringify(minio.spec.template.spec.containers).includes('"name":"s3"'));
    const kafka = findObject("Kafka", "rag-kafka", "kafka")!;
    assert.ok(isObject(kafka.spec.kafkaExporter), "Kafka Exporter enabled");
  });

  it("Prometheus receives remote writes with exemplars and loads the rule files", () => {
    const prometheus = findObject("StatefulSet", "prometheus", "observability")!;
    const args = prometheus.spec.template.spec.containers[0].args as string[];
    assert.ok(args.includes("--web.enable-remote-write-receiver"));
    assert.ok(args.includes("--enable-feature=exemplar-storage"));
    const config = loadYamlOne<{ rule_files: string[] }>("monitoring/config/prometheus.yml");
    const generated = loadYamlOne<{ configMapGenerator: { name: string; files: string[] }[] }>(
      "monitoring/kustomization.yaml",
    ).configMapGenerator;
    const mounted = generated
      .find((g) => g.name === "prometheus-config")!
      .files.map((f) => f.split("/").pop());
    for (const rule of config.rule_files)
      assert.ok(
        mounted.includes(rule.split("/").pop()),
        `${rule} not in the prometheus-config ConfigMap`,
      );
    for (const rule of RULE_FILES)
      assert.ok(
        config.rule_files.some((r) => r.endsWith(rule.split("/").pop()!)),
        `${rule} not loaded`,
      );
    const tempo = loadYamlOne<Record<string, any>>("monitoring/config/tempo.yaml");
    assert.equal(tempo.metrics_generator.storage.remote_write[0].send_exemplars, true);
    assert.ok(tempo.metrics_generator.processor.span_metrics.dimensions.includes("faas.coldstart"));
  });

  it("kustomize inputs exist and every ConfigMap a workload mounts is generated", () => {
    const kustomization = loadYamlOne<{
      resources: string[];
      configMapGenerator: { name: string; files: string[] }[];
    }>("monitoring/kustomization.yaml");
    for (const file of [
      ...kustomization.resources,
      ...kustomization.configMapGenerator.flatMap((g) => g.files),
    ]) {
      assert.ok(existsSync(repoPath("monitoring", file)), `monitoring/${file} missing`);
    }
    const generated = new Set(kustomization.configMapGenerator.map((g) => g.name));
    for (const kind of ["Deployment", "StatefulSet", "DaemonSet"]) {
      for (const name of ["otel-collector", "tempo", "loki", "prometheus", "grafana"]) {
        const workload = findObject(kind, name, "observability");
        for (const volume of workload?.spec.template.spec.volumes ?? []) {
          if (volume.configMap)
            assert.ok(
              generated.has(volume.configMap.name),
              `${name} mounts ${volume.configMap.name}, which is not generated`,
            );
        }
      }
    }
  });
});
