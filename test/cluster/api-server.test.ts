// Every manifest through a real kube-apiserver (the release of kind/versions.env, on etcd, on
// loopback) with Knative's and Strimzi's CRDs installed: `kubectl apply --dry-run=server
// --validate=strict`, as kind/up.sh applies them. Then the Pods Knative would create for each
// Service (Serving's own reconciler code, queue-proxy included) through Pod Security `restricted`.
// What this cannot run: admission webhooks (Knative's and Strimzi's run in their own pods; the
// Knative ones are covered by test/deploy/knative-validate.test.ts), controllers, kubelets.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseAllDocuments, stringify } from "yaml";
import { buildGoTool, goCommand, goEnv } from "../deploy/support/go-tools.ts";
import { inCi, pinnedVersions, repoPath, sharedSchemas } from "../deploy/support/repo.ts";
import {
  startControlPlane,
  type ControlPlane,
  type KubectlResult,
} from "./support/control-plane.ts";
import { waitFor } from "../support/wait-for.ts";
import { knativePods } from "./support/knative-pods.ts";

const ETCD = "/usr/bin/etcd";
const STRIMZI_CRDS = [
  "strimzi-040-Crd-kafka.yaml",
  "strimzi-043-Crd-kafkatopic.yaml",
  "strimzi-045-Crd-kafkanodepool.yaml",
];
/** Knative's CRDs for the kinds the project uses, from the module sources test/knative-validate pins. */
const KNATIVE_CRDS: [module: string, file: string][] = [
  ["knative.dev/serving@v0.50.0", "config/core/300-resources/service.yaml"],
  ["knative.dev/serving@v0.50.0", "config/core/300-resources/configuration.yaml"],
  ["knative.dev/serving@v0.50.0", "config/core/300-resources/revision.yaml"],
  ["knative.dev/serving@v0.50.0", "config/core/300-resources/route.yaml"],
  [
    "knative.dev/eventing-kafka-broker@v0.50.1",
    "control-plane/config/eventing-kafka-broker/100-source/100-kafka-source.yaml",
  ],
  [
    "knative.dev/eventing-kafka-broker@v0.50.1",
    "control-plane/config/eventing-kafka-broker/100-sink/100-kafka-sink.yaml",
  ],
];

const ok = (result: KubectlResult, what: string) =>
  assert.equal(result.status, 0, `${what}:\n${result.stderr}${result.stdout}`);
const dryRun = ["apply", "--dry-run=server", "--validate=strict"];

/** A CRD whose conversion goes through Knative's webhook gets `None`: no webhook runs here, and v1 objects need no conversion. */
function withoutConversionWebhook(file: string): string {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS())
    .filter(Boolean)
    .map((crd) =>
      stringify(
        crd.spec?.conversion?.strategy === "Webhook"
          ? { ...crd, spec: { ...crd.spec, conversion: { strategy: "None" } } }
          : crd,
      ),
    )
    .join("---\n");
}

describe("the manifests against a real kube-apiserver", () => {
  let cluster: ControlPlane | undefined;
  let validator: string;

  before(async () => {
    const go = goCommand();
    const missing = [
      !go && "Go",
      !existsSync(ETCD) && `${ETCD} (apt-get install etcd-server)`,
      !existsSync(sharedSchemas) && sharedSchemas,
    ].filter(Boolean);
    if (missing.length > 0) {
      if (inCi) throw new Error(`missing in CI: ${missing.join(", ")}`);
      return; // each test skips, naming what is missing
    }
    const apiserver = buildGoTool(go!, "kube-apiserver").binary;
    const kubectl = buildGoTool(go!, "kubectl").binary;
    validator = buildGoTool(go!, "knative-validate").binary;
    cluster = await startControlPlane({ apiserver, kubectl, etcd: ETCD });
    const modules = goEnv().GOMODCACHE!;
    const crds = [
      ...KNATIVE_CRDS.map(([module, file]) =>
        withoutConversionWebhook(path.join(modules, module, file)),
      ),
      ...STRIMZI_CRDS.map((file) => readFileSync(path.join(sharedSchemas, file), "utf8")),
    ];
    for (const crd of crds)
      ok(cluster.kubectl(["apply", "--server-side", "-f", "-"], crd), "installing a CRD");
    // Not `kubectl wait --all`: it fails at once on a CRD whose status has no conditions yet.
    await waitFor(
      "every CRD Established",
      () => {
        const list = cluster!.kubectl(["get", "crd", "-o", "json"]);
        const crds = JSON.parse(list.stdout || '{"items":[]}').items as {
          status?: { conditions?: { type: string; status: string }[] };
        }[];
        return (
          crds.length === KNATIVE_CRDS.length + STRIMZI_CRDS.length &&
          crds.every((crd) =>
            crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True"),
          )
        );
      },
      60_000,
    );
    // What exists before the project's manifests are applied: Knative's and the project's namespaces.
    ok(cluster.kubectl(["create", "namespace", "knative-serving"]), "namespace");
    ok(cluster.kubectl(["create", "namespace", "knative-eventing"]), "namespace");
    for (const file of [
      "knative/namespace.yaml",
      "kind/infra/namespaces.yaml",
      "monitoring/namespace.yaml",
    ])
      ok(cluster.kubectl(["apply", "-f", repoPath(file)]), file);
    // The ServiceAccount admission plugin looks the Pods' account up; the controller that creates it does not run here.
    ok(
      cluster.kubectl(["-n", "knative-rag", "create", "serviceaccount", "default"]),
      "default ServiceAccount",
    );
  });
  after(() => cluster?.stop());

  const skipUnlessUp = (t: { skip(message: string): void }) => {
    if (!cluster) t.skip(`needs Go, ${ETCD} and ${sharedSchemas}`);
    return cluster;
  };

  it("test/kube-tools pins the Kubernetes release of kind/versions.env, staging modules included", () => {
    const node = /kindest\/node:v1\.(\d+\.\d+)@/.exec(pinnedVersions().get("KIND_NODE_IMAGE")!)![1];
    const goMod = readFileSync(repoPath("test/kube-tools/go.mod"), "utf8");
    assert.match(
      goMod,
      new RegExp(`^require k8s\\.io/kubernetes v1\\.${node!.replace(".", "\\.")}$`, "m"),
    );
    const replaced = [...goMod.matchAll(/^\s*(k8s\.io\/[\w-]+) => (k8s\.io\/[\w-]+) (v\S+)$/gm)];
    assert.ok(replaced.length >= 25, `${replaced.length} staging modules replaced`);
    // mount-utils: the proxy does not serve its v0.35.5; the only exception allowed.
    for (const [, from, to, version] of replaced) {
      assert.equal(to, from);
      if (from !== "k8s.io/mount-utils") assert.equal(version, `v0.${node}`, from);
    }
  });

  it("runs the Kubernetes release kind/versions.env pins", (t) => {
    const c = skipUnlessUp(t);
    if (!c) return;
    const node = /kindest\/node:(v[\d.]+)@/.exec(pinnedVersions().get("KIND_NODE_IMAGE")!)![1];
    const version = JSON.parse(c.kubectl(["version", "-o", "json"]).stdout);
    assert.equal(version.serverVersion.gitVersion, node);
    assert.equal(version.clientVersion.gitVersion, node);
  });

  const applies: [what: string, args: string[]][] = [
    [
      "knative/system/ (server-side, as up.sh)",
      [
        "--server-side",
        "--force-conflicts",
        "--field-manager=knative-rag",
        "-f",
        repoPath("knative/system"),
      ],
    ],
    ["kubectl apply -k knative/", ["-k", repoPath("knative")]],
    ["knative/openai-mode.yaml", ["-f", repoPath("knative/openai-mode.yaml")]],
    ["kind/infra/", ["-f", repoPath("kind/infra")]],
    ["kubectl apply -k monitoring/", ["-k", repoPath("monitoring")]],
  ];
  for (const [what, args] of applies) {
    it(`accepts ${what} (server dry-run, strict field validation)`, (t) => {
      const c = skipUnlessUp(t);
      if (!c) return;
      const result = c.kubectl([...dryRun, ...args]);
      ok(result, what);
      assert.doesNotMatch(
        result.stderr,
        /Warning/,
        "no warnings (unknown or duplicate fields are warnings without --validate=strict)",
      );
      t.diagnostic(`${result.stdout.trim().split("\n").length} objects`);
    });
  }

  it("rejects a manifest with an unknown field, so the checks above can fail", (t) => {
    const c = skipUnlessUp(t);
    if (!c) return;
    const topic = {
      apiVersion: "kafka.strimzi.io/v1",
      kind: "KafkaTopic",
      metadata: { name: "t", namespace: "kafka", labels: { "strimzi.io/cluster": "rag-kafka" } },
      spec: { partition: 3 },
    };
    const result = c.kubectl([...dryRun, "-f", "-"], JSON.stringify(topic));
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /unknown field "spec.partition"/);
  });

  it("admits the Pods Knative would create for each Service under Pod Security restricted", (t) => {
    const c = skipUnlessUp(t);
    if (!c) return;
    const labels = JSON.parse(c.kubectl(["get", "namespace", "knative-rag", "-o", "json"]).stdout)
      .metadata.labels;
    assert.equal(
      labels["pod-security.kubernetes.io/enforce"],
      "restricted",
      "knative/namespace.yaml enforces restricted",
    );
    const pods = knativePods(validator);
    assert.equal(pods.items.length, 4);
    const result = c.kubectl([...dryRun, "-f", "-"], JSON.stringify(pods));
    ok(result, "the Services' Pods");
    assert.doesNotMatch(result.stderr, /Warning/);
    for (const pod of pods.items) {
      const queue = pod.spec.containers.find(
        (container: { name: string }) => container.name === "queue-proxy",
      );
      assert.ok(queue, `${pod.metadata.name}: queue-proxy is in the Pod`);
      const env = Object.fromEntries(
        queue.env.map((e: { name: string; value?: string }) => [e.name, e.value]),
      );
      assert.equal(env.SYSTEM_NAMESPACE, "knative-serving");
      assert.equal(
        env.SERVING_REVISION,
        `${pod.metadata.labels["serving.knative.dev/service"]}-00001`,
      );
    }
  });

  it("rejects a Pod that Pod Security restricted forbids, so the check above can fail", (t) => {
    const c = skipUnlessUp(t);
    if (!c) return;
    const pod = knativePods(validator).items[0];
    delete pod.spec.containers[0].securityContext;
    const result = c.kubectl([...dryRun, "-f", "-"], JSON.stringify(pod));
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /violates PodSecurity "restricted:latest"/);
  });
});
