// The autoscaling annotations Knative Serving accepts on a revision template, and their values
// (https://knative.dev/docs/serving/autoscaling/). Returns problems; empty when valid.
import { goDurationSeconds } from "./durations.ts";

const KPA = "kpa.autoscaling.knative.dev";
const HPA = "hpa.autoscaling.knative.dev";
const METRICS: Record<string, string[]> = {
  [KPA]: ["concurrency", "rps"],
  [HPA]: ["cpu", "memory"],
};

function nonNegativeInt(value: string): boolean {
  return /^\d+$/.test(value);
}

export function autoscalingProblems(
  annotations: Record<string, string>,
  containerConcurrency: number | undefined,
): string[] {
  const problems: string[] = [];
  const get = (key: string) => annotations[`autoscaling.knative.dev/${key}`];
  const known = new Set([
    "class",
    "metric",
    "target",
    "target-utilization-percentage",
    "min-scale",
    "max-scale",
    "initial-scale",
    "activation-scale",
    "scale-down-delay",
    "scale-to-zero-pod-retention-period",
    "window",
    "panic-window-percentage",
    "panic-threshold-percentage",
    "target-burst-capacity",
  ]);
  for (const key of Object.keys(annotations)) {
    if (
      key.startsWith("autoscaling.knative.dev/") &&
      !known.has(key.slice("autoscaling.knative.dev/".length))
    )
      problems.push(`unknown annotation ${key}`);
  }
  const klass = get("class") ?? KPA;
  if (!(klass in METRICS)) problems.push(`class ${klass} is neither ${KPA} nor ${HPA}`);
  const metric = get("metric") ?? "concurrency";
  if (METRICS[klass] && !METRICS[klass]!.includes(metric))
    problems.push(`metric ${metric} is not valid for class ${klass}`);
  const target = get("target");
  if (target !== undefined) {
    if (!(Number(target) > 0)) problems.push(`target ${target} must be a number > 0`);
    if (metric === "concurrency" && containerConcurrency && Number(target) > containerConcurrency) {
      problems.push(`target ${target} exceeds containerConcurrency ${containerConcurrency}`);
    }
  }
  const utilization = get("target-utilization-percentage");
  if (utilization !== undefined && !(Number(utilization) > 0 && Number(utilization) <= 100))
    problems.push(`target-utilization-percentage ${utilization}`);
  for (const key of ["min-scale", "max-scale", "initial-scale", "activation-scale"]) {
    const value = get(key);
    if (value !== undefined && !nonNegativeInt(value))
      problems.push(`${key} ${value} must be a non-negative integer`);
  }
  const min = Number(get("min-scale") ?? 0);
  const max = Number(get("max-scale") ?? 0);
  if (max > 0 && min > max) problems.push(`min-scale ${min} > max-scale ${max}`);
  const initial = get("initial-scale");
  if (initial === "0")
    problems.push("initial-scale 0 needs allow-zero-initial-scale in config-autoscaler");
  if (initial !== undefined && max > 0 && Number(initial) > max)
    problems.push(`initial-scale ${initial} > max-scale ${max}`);
  const activation = get("activation-scale");
  if (activation !== undefined && Number(activation) < 1)
    problems.push("activation-scale must be >= 1");
  for (const key of ["scale-down-delay", "scale-to-zero-pod-retention-period"]) {
    const value = get(key);
    if (value === undefined) continue;
    const seconds = goDurationSeconds(value);
    if (seconds === undefined || seconds < 0) problems.push(`${key} ${value} is not a duration`);
    if (key === "scale-down-delay" && seconds !== undefined && seconds > 3600)
      problems.push(`${key} ${value} exceeds 1h`);
  }
  const window = get("window");
  if (window !== undefined) {
    const seconds = goDurationSeconds(window);
    if (seconds === undefined || seconds < 6 || seconds > 3600)
      problems.push(`window ${window} must be between 6s and 1h`);
  }
  return problems;
}
