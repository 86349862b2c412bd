// Which of the monitoring stack's PromQL expressions a Prometheus fed by the functions alone can
// answer, and why the others cannot: their metrics come from Knative, Kafka Exporter,
// redis_exporter, MinIO, cAdvisor or Tempo's metrics generator, none of which runs here.
import { allExpressions, recordingRules, type Expression } from "../deploy/support/promql.ts";
import { vectorSelectors, type VectorSelector } from "../deploy/support/promql-selectors.ts";
import {
  FUNCTIONS_SOURCE,
  readCatalog,
  storedNames,
  type CatalogMetric,
} from "../deploy/support/metrics-catalog.ts";

export function functionMetrics(): CatalogMetric[] {
  return readCatalog().sources[FUNCTIONS_SOURCE]!.metrics;
}

/** Stored series name -> the catalog sources that emit it, and the labels the functions set on it. */
function catalogIndex(): Map<string, { sources: string[]; functionLabels: Set<string> }> {
  const index = new Map<string, { sources: string[]; functionLabels: Set<string> }>();
  for (const [source, { metrics }] of Object.entries(readCatalog().sources)) {
    for (const metric of metrics) {
      for (const name of storedNames(metric)) {
        const entry = index.get(name) ?? { sources: [], functionLabels: new Set<string>() };
        entry.sources.push(source);
        if (source === FUNCTIONS_SOURCE) {
          for (const label of metric.labels ?? []) entry.functionLabels.add(label);
          if (name.endsWith("_bucket")) entry.functionLabels.add("le");
        }
        index.set(name, entry);
      }
    }
  }
  return index;
}

export interface CheckedExpression extends Expression {
  kind: "dashboard" | "recording rule" | "alert" | "datasource";
  selectors: VectorSelector[];
  /** Whether the whole expression must return data after traffic (an alert's is empty until it fires). */
  expectData: boolean;
}
export interface SkippedExpression extends Expression {
  reason: string;
}
export interface LivePlan {
  checked: CheckedExpression[];
  skipped: SkippedExpression[];
}

/**
 * Splits allExpressions() into those whose every selector is the functions' own (or a recorded
 * series built only from them) and the rest. A name both the functions and Knative emit
 * (http_server_request_duration_seconds) counts as the functions' unless its selector names a
 * label the functions never set, like the activator's job="knative-activator".
 */
export function livePlan(expressions: Expression[] = allExpressions()): LivePlan {
  const catalog = catalogIndex();
  const recorded = recordingRules();
  const foreign = (selector: VectorSelector, seen: Set<string> = new Set()): string | undefined => {
    const name = selector.name ?? "";
    const recordedExpr = recorded.get(name);
    if (recordedExpr !== undefined) {
      if (seen.has(name)) return `${name} records itself`;
      const inner = vectorSelectors(recordedExpr)
        .map((s) => foreign(s, new Set([...seen, name])))
        .filter(Boolean);
      return inner.length > 0 ? `${name} is recorded from ${inner.join("; ")}` : undefined;
    }
    const entry = catalog.get(name);
    if (!entry) return `${selector.text} is in no catalog source`;
    if (!entry.sources.includes(FUNCTIONS_SOURCE))
      return `${name} comes from ${entry.sources.join(", ")}`;
    const alien = selector.matchers
      .map((m) => m.label)
      .filter((label) => !entry.functionLabels.has(label));
    if (alien.length > 0)
      return `${selector.text} selects on ${alien.join(", ")}, labels of ${entry.sources.filter((s) => s !== FUNCTIONS_SOURCE).join(", ")}`;
    return undefined;
  };

  const plan: LivePlan = { checked: [], skipped: [] };
  for (const expression of expressions) {
    const selectors = vectorSelectors(expression.expr);
    const reasons = [
      ...new Set(selectors.map((s) => foreign(s)).filter((r): r is string => r !== undefined)),
    ];
    if (reasons.length > 0) {
      plan.skipped.push({ ...expression, reason: reasons.join("; ") });
      continue;
    }
    const kind = kindOf(expression.source);
    plan.checked.push({ ...expression, kind, selectors, expectData: kind !== "alert" });
  }
  return plan;
}

function kindOf(source: string): CheckedExpression["kind"] {
  if (source.startsWith("dashboard ")) return "dashboard";
  if (source.includes("tracesToMetrics")) return "datasource";
  const ruleName = source.split(" / ").at(-1) ?? "";
  return /^[a-z_]+:/.test(ruleName) ? "recording rule" : "alert";
}
