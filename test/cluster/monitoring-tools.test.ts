// The monitoring stack's configs, checked by the tools of the releases the cluster runs, built
// from their Go modules (test/monitoring-tools): `promtool check config` of Prometheus 3.5.0 on
// prometheus.yml with its rule files as the ConfigMap mounts them (Debian's promtool is 2.42,
// which accepts functions 3.x removed and rejects 3.x config sections), and the Grafana
// dashboards strict-decoded with Grafana's own schema types (grafana-foundation-sdk).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { buildGoTool, goCommand, goEnv } from "../deploy/support/go-tools.ts";
import { inCi, loadYamlOne, pinnedVersions, readText, repoPath } from "../deploy/support/repo.ts";
import { tempDir } from "../support/temp-dir.ts";

const run = (binary: string, args: string[]) =>
  spawnSync(binary, args, { env: goEnv(), encoding: "utf8" });
const output = (result: ReturnType<typeof run>) =>
  `${result.stdout}${result.stderr}${result.error ?? ""}`;

/** A copy of /etc/prometheus as the pod sees it: the prometheus-config ConfigMap's files, paths pointed at the copy. */
async function mountedPrometheusConfig(
  edit: (config: string) => string = (c) => c,
): Promise<string> {
  const kustomization = loadYamlOne<{ configMapGenerator: { name: string; files: string[] }[] }>(
    "monitoring/kustomization.yaml",
  );
  const files = kustomization.configMapGenerator.find((g) => g.name === "prometheus-config")!.files;
  const dir = await tempDir("prometheus-config");
  for (const file of files)
    copyFileSync(repoPath("monitoring", file), path.join(dir, path.basename(file)));
  const config = path.join(dir, "prometheus.yml");
  writeFileSync(
    config,
    edit(readFileSync(config, "utf8").replaceAll("/etc/prometheus/", `${dir}/`)),
  );
  return config;
}

describe("the monitoring configs, checked by the tools of the releases the cluster runs", () => {
  let promtool = "";
  let dashboardDecode = "";
  let skip = "";

  before(() => {
    const go = goCommand();
    if (!go) {
      if (inCi) throw new Error("Go is missing in CI");
      skip = "Go is not installed";
      return;
    }
    promtool = buildGoTool(go, "promtool").binary;
    dashboardDecode = buildGoTool(go, "dashboard-decode").binary;
  });

  it("promtool is Prometheus' release of PROMETHEUS_IMAGE, from the module version Prometheus tags for it", (t) => {
    if (skip) return t.skip(skip);
    const release = /v(\d+)\.(\d+)\.(\d+)$/.exec(pinnedVersions().get("PROMETHEUS_IMAGE")!)!;
    // Prometheus publishes release 3.X.Y as Go module version v0.3XX.Y.
    const moduleVersion = `v0.${Number(release[1]) * 100 + Number(release[2])}.${release[3]}`;
    assert.match(
      readText("test/monitoring-tools/go.mod"),
      new RegExp(`github\\.com/prometheus/prometheus ${moduleVersion.replaceAll(".", "\\.")}\\b`),
    );
    assert.match(
      output(run(promtool, ["--version"])),
      new RegExp(`promtool, version ${release.slice(1).join("\\.")} `),
    );
  });

  it("promtool check config accepts prometheus.yml with its rule files, as the ConfigMap mounts them", async (t) => {
    if (skip) return t.skip(skip);
    const result = run(promtool, ["check", "config", await mountedPrometheusConfig()]);
    assert.equal(result.status, 0, output(result));
    assert.match(output(result), /SUCCESS: 1 rule files found/);
    assert.match(output(result), /SUCCESS: \d+ rules found/);
  });

  it("promtool check config fails on an unknown field and on a rule 3.x no longer parses, so the check above can fail", async (t) => {
    if (skip) return t.skip(skip);
    const unknownField = run(promtool, [
      "check",
      "config",
      await mountedPrometheusConfig((c) =>
        c.replace("global:\n", "global:\n  scrape_intervall: 15s\n"),
      ),
    ]);
    assert.notEqual(unknownField.status, 0);
    assert.match(output(unknownField), /field scrape_intervall not found/);
    // holt_winters was renamed in 3.0; Debian's promtool 2.42 still accepts it.
    const config = await mountedPrometheusConfig((c) =>
      c.replace("rule_files:\n", "rule_files:\n  - holt-winters.yaml\n"),
    );
    writeFileSync(
      path.join(path.dirname(config), "holt-winters.yaml"),
      "groups:\n  - name: x\n    rules:\n      - record: x:smoothed\n        expr: holt_winters(up[5m], 0.5, 0.5)\n",
    );
    const oldFunction = run(promtool, ["check", "config", config]);
    assert.notEqual(oldFunction.status, 0);
    assert.match(output(oldFunction), /unknown function with name "holt_winters"/);
  });

  it("the Grafana dashboards strict-decode with Grafana's schema types (grafana-foundation-sdk)", (t) => {
    if (skip) return t.skip(skip);
    const files = ["cold-starts.json", "infrastructure.json", "pipeline-overview.json"].map((f) =>
      repoPath("monitoring/grafana/dashboards", f),
    );
    const result = run(dashboardDecode, files);
    assert.equal(result.status, 0, output(result));
    assert.equal(
      output(result)
        .trim()
        .split("\n")
        .filter((line) => line.endsWith(": ok")).length,
      files.length,
    );
  });

  it("a dashboard with an unknown panel option or a wrong type fails to decode, so the check above can fail", async (t) => {
    if (skip) return t.skip(skip);
    const dashboard = JSON.parse(readText("monitoring/grafana/dashboards/cold-starts.json"));
    const panel = dashboard.panels.find((p: { type: string }) => p.type === "timeseries");
    panel.options.legend.showLegnd = true;
    panel.gridPos.w = "wide";
    const file = path.join(await tempDir("dashboard"), "broken.json");
    writeFileSync(file, JSON.stringify(dashboard));
    const result = run(dashboardDecode, [file]);
    assert.notEqual(result.status, 0);
    assert.match(output(result), /unexpected field 'showLegnd'/);
    assert.match(output(result), /gridPos\.w/);
  });
});
