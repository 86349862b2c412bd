// `otelcol validate` on monitoring/config/otel-collector.yaml, with a collector that contains
// every component the config uses (test/monitoring-tools/otelcol-builder.yaml, built by ocb), in
// the environment the DaemonSet gives it. k8sattributes and the Kubernetes service discovery of
// the prometheus receiver build their in-cluster client at validation time, which reads the pod's
// service-account token: the collector runs in a private mount namespace with a tmpfs over /run
// holding a made-up token, so nothing is written to the machine's /var/run/secrets.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { inCi, loadYaml, pinnedVersions, readText, repoPath } from "../deploy/support/repo.ts";
import { otelcolBinaryPath, readOtelcolManifest } from "../stack/otelcol-binary.ts";
import { tempDir } from "../support/temp-dir.ts";

const MANIFEST = repoPath("test/monitoring-tools/otelcol-builder.yaml");
const CONFIG = "monitoring/config/otel-collector.yaml";
const TOKEN_DIR = "/run/secrets/kubernetes.io/serviceaccount";
const BUILD_COMMAND = "node --import tsx test/monitoring-tools/build-otelcol.ts";

/** The collector container's env in the DaemonSet, downward-API fields given a kind node's values. */
function daemonSetEnv(): Record<string, string> {
  const daemonSet = loadYaml("monitoring/otel-collector.yaml")
    .map((d) => d.value as { kind?: string; spec?: any })
    .find((o) => o.kind === "DaemonSet")!;
  const container = daemonSet.spec.template.spec.containers.find(
    (c: { name: string }) => c.name === "otel-collector",
  );
  const fields: Record<string, string> = {
    "spec.nodeName": "knative-rag-worker",
    "status.hostIP": "172.18.0.3",
    "status.podIP": "10.244.1.7",
  };
  const env: Record<string, string> = {
    KUBERNETES_SERVICE_HOST: "10.96.0.1",
    KUBERNETES_SERVICE_PORT: "443",
  };
  for (const { name, value, valueFrom } of container.env as {
    name: string;
    value?: string;
    valueFrom?: { fieldRef: { fieldPath: string } };
  }[]) {
    env[name] = valueFrom ? fields[valueFrom.fieldRef.fieldPath]! : value!;
  }
  return env;
}

function validate(binary: string, configFile: string) {
  const script = `mount -t tmpfs tmpfs /run && mkdir -p ${TOKEN_DIR} && printf made-up-token > ${TOKEN_DIR}/token && exec "$0" validate --config="$1"`;
  const result = spawnSync(
    "unshare",
    ["--mount", "--propagation", "private", "sh", "-c", script, binary, configFile],
    {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...daemonSetEnv() },
      encoding: "utf8",
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}${result.error ?? ""}` };
}

describe("otelcol validate on the collector config, with every component it uses", () => {
  let binary = "";
  let skip = "";

  before(() => {
    const unshare = spawnSync("unshare", ["--mount", "true"]);
    if (unshare.status !== 0) {
      if (inCi) throw new Error("unshare --mount fails in CI: the check needs root");
      skip = "needs root for a private mount namespace (unshare --mount)";
      return;
    }
    // A cold build takes longer than CI's budget leaves (knative/README.md, "What was verified"):
    // the check runs where the collector has been built, and says how to build it where not.
    binary = otelcolBinaryPath(MANIFEST);
    if (!existsSync(binary))
      skip = `the validating collector is not built (${BUILD_COMMAND}; cold: about half an hour on 2 busy cores)`;
  });

  it("builds every module at one release, not older than the cluster's collector", (t) => {
    if (skip) return t.skip(skip);
    const version = readOtelcolManifest(MANIFEST).dist.version;
    const pinned = /:(\d+\.\d+\.\d+)$/.exec(pinnedVersions().get("OTEL_COLLECTOR_IMAGE")!)![1]!;
    const [a, b] = [version, pinned].map((v) => v.split(".").map(Number));
    assert.ok(
      a![1]! >= b![1]!,
      `the validating collector ${version} is older than the cluster's ${pinned}`,
    );
  });

  it("accepts monitoring/config/otel-collector.yaml", (t) => {
    if (skip) return t.skip(skip);
    const result = validate(binary, repoPath(CONFIG));
    assert.equal(result.status, 0, result.output);
  });

  it("rejects an unknown setting of k8sattributes and a pipeline naming a missing component, so the check above can fail", async (t) => {
    if (skip) return t.skip(skip);
    const dir = await tempDir("otelcol-config");
    const unknownSetting = path.join(dir, "unknown-setting.yaml");
    writeFileSync(
      unknownSetting,
      readText(CONFIG).replace(
        "    auth_type: serviceAccount\n",
        "    auth_type: serviceAccount\n    pod_labels: true\n",
      ),
    );
    const bad = validate(binary, unknownSetting);
    assert.notEqual(bad.status, 0);
    assert.match(bad.output, /k8sattributes[\s\S]*pod_labels/);

    const missingComponent = path.join(dir, "missing-component.yaml");
    writeFileSync(
      missingComponent,
      readText(CONFIG).replace("exporters: [otlp/tempo]", "exporters: [otlp/tempo, zipkin]"),
    );
    const missing = validate(binary, missingComponent);
    assert.notEqual(missing.status, 0);
    assert.match(missing.output, /zipkin/);
  });
});
