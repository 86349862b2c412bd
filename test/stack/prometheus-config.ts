import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const REPO_PROMETHEUS_CONFIG = fileURLToPath(
  new URL("../../monitoring/config/prometheus.yml", import.meta.url),
);
export const REPO_RULES = fileURLToPath(
  new URL("../../monitoring/rules/slo.rules.yaml", import.meta.url),
);
/** Rules evaluated every second instead of every 30 s, so recorded series exist soon after traffic. */
export const TEST_EVALUATION_INTERVAL = "1s";

interface PrometheusConfig {
  global: Record<string, unknown>;
  rule_files: string[];
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
  [key: string]: unknown;
}

/**
 * The repo's prometheus.yml for one test server: global labels, tsdb (out-of-order window) and
 * exemplar settings as written; evaluation_interval 1s; the rule file is the copy below; the
 * self-scrape points at this server's address.
 */
export function testPrometheusConfig(
  listen: string,
  rulesFile: string,
  file = REPO_PROMETHEUS_CONFIG,
): PrometheusConfig {
  const repo = parse(readFileSync(file, "utf8")) as PrometheusConfig;
  return {
    ...repo,
    global: { ...repo.global, evaluation_interval: TEST_EVALUATION_INTERVAL },
    rule_files: [rulesFile],
    scrape_configs: repo.scrape_configs.map((job) =>
      job.job_name === "prometheus" ? { ...job, static_configs: [{ targets: [listen] }] } : job,
    ),
  };
}

interface RuleFile {
  groups: { name: string; interval?: string; rules: unknown[] }[];
}

/** The repo's rules, unchanged but for each group's interval (which would override the global 1s). */
export function testRules(file = REPO_RULES): RuleFile {
  const repo = parse(readFileSync(file, "utf8")) as RuleFile;
  return { groups: repo.groups.map((group) => ({ ...group, interval: TEST_EVALUATION_INTERVAL })) };
}
