// Every PromQL expression the monitoring stack evaluates — dashboard targets, alert and
// recording rules, Grafana's trace->metrics queries — as one list, with where each comes from.
// test/stack/promql-live.test.ts queries the same list on a real Prometheus after traffic.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { isObject, loadYamlOne, repoPath } from "./repo.ts";
import { vectorSelectors } from "./promql-selectors.ts";

export interface Expression {
  /** e.g. "dashboard cold-starts.json / Cold starts per minute / A" */
  source: string;
  /** As written (may contain Grafana variables). */
  raw: string;
  /** With Grafana variables replaced by sample values, ready for a Prometheus. */
  expr: string;
}

export const DASHBOARD_FILES = [
  "cold-starts.json",
  "pipeline-overview.json",
  "infrastructure.json",
];
export const RULE_FILES = ["monitoring/rules/slo.rules.yaml"];

/** Grafana's variables, with values a Prometheus accepts. */
export function substituteGrafanaVariables(expr: string): string {
  return (
    expr
      .replaceAll("$__rate_interval", "5m")
      .replaceAll("$__interval", "1m")
      .replaceAll("$__range", "1h")
      .replaceAll("$$__tags", 'service_name="search"')
      .replaceAll("$__tags", 'service_name="search"')
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable, not a template
      .replaceAll("${function}", "search")
      .replaceAll("$function", "search")
  );
}

export interface DashboardJson {
  uid: string;
  title: string;
  panels: {
    type: string;
    title: string;
    datasource?: { uid?: string };
    targets?: { refId: string; expr: string; datasource?: { uid?: string } }[];
  }[];
  templating?: { list: { name: string }[] };
}

export function readDashboard(file: string): DashboardJson {
  return JSON.parse(
    readFileSync(repoPath("monitoring/grafana/dashboards", file), "utf8"),
  ) as DashboardJson;
}

export function dashboardExpressions(file: string): Expression[] {
  return readDashboard(file).panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      source: `dashboard ${file} / ${panel.title} / ${target.refId}`,
      raw: target.expr,
      expr: substituteGrafanaVariables(target.expr),
    })),
  );
}

interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}

export function ruleExpressions(file: string): Expression[] {
  return loadYamlOne<RuleFile>(file).groups.flatMap((group) =>
    group.rules.map((rule) => ({
      source: `${file} / ${group.name} / ${rule.record ?? rule.alert}`,
      raw: rule.expr,
      expr: rule.expr,
    })),
  );
}

/** Recording rules: recorded series name -> the expression it is recorded from. */
export function recordingRules(): Map<string, string> {
  return new Map(
    RULE_FILES.flatMap((file) =>
      loadYamlOne<RuleFile>(file).groups.flatMap((g) =>
        g.rules.flatMap((r) => (r.record ? [[r.record, r.expr] as const] : [])),
      ),
    ),
  );
}

export function recordedNames(): Set<string> {
  return new Set(recordingRules().keys());
}

/** tracesToMetrics queries of the Tempo datasource (Grafana's own $$ escaping undone). */
export function datasourceExpressions(): Expression[] {
  const file = "monitoring/grafana/provisioning/datasources/datasources.yaml";
  const config = loadYamlOne<{
    datasources: { name: string; jsonData?: Record<string, unknown> }[];
  }>(file);
  return config.datasources.flatMap((ds) => {
    const t2m = ds.jsonData?.tracesToMetrics;
    if (!isObject(t2m) || !Array.isArray(t2m.queries)) return [];
    return (t2m.queries as { name: string; query: string }[]).map((q) => ({
      source: `${file} / ${ds.name} tracesToMetrics / ${q.name}`,
      raw: q.query,
      expr: substituteGrafanaVariables(q.query),
    }));
  });
}

export function allExpressions(): Expression[] {
  return [
    ...DASHBOARD_FILES.flatMap(dashboardExpressions),
    ...RULE_FILES.flatMap(ruleExpressions),
    ...datasourceExpressions(),
  ];
}

/**
 * Parses expressions with `promtool check rules`: each becomes a recording rule in a group of
 * its own, so a parse error names the expression's source. Returns the failures.
 */
export function promtoolParse(expressions: Expression[]): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "promql-"));
  try {
    const groups = expressions.map((e, i) => ({
      name: `e${i}`,
      rules: [{ record: `check:expression_${i}`, expr: e.expr }],
    }));
    const file = path.join(dir, "expressions.rules.yaml");
    writeFileSync(file, stringify({ groups }));
    const result = spawnSync("promtool", ["check", "rules", file], { encoding: "utf8" });
    if (result.status === 0) return [];
    const output = `${result.stdout}\n${result.stderr}`;
    const failures: string[] = [];
    for (const [i, e] of expressions.entries()) {
      if (new RegExp(`group "e${i}"`).test(output) || output.includes(`check:expression_${i}"`))
        failures.push(`${e.source}: ${e.raw}`);
    }
    return failures.length > 0 ? failures : [output.trim()];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Metric names an expression selects (a selector without a name, `{__name__=~"…"}`, names none). */
export function metricNames(expr: string): string[] {
  return [
    ...new Set(vectorSelectors(expr).flatMap((selector) => (selector.name ? [selector.name] : []))),
  ];
}
