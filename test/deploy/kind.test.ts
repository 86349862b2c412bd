// kind/: the cluster config, pinned versions, and the scripts (syntax, shellcheck, secrets).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe as suite, it } from "node:test";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import {
  deploymentYamlFiles,
  findObject,
  inCi,
  loadYaml,
  loadYamlOne,
  pinnedVersions,
  readText,
  repoPath,
  toolAvailable,
} from "./support/repo.ts";

const SCRIPTS = ["kind/lib.sh", "kind/up.sh", "kind/down.sh", "kind/build-images.sh"];

interface KindCluster {
  kind: string;
  apiVersion: string;
  nodes: {
    role: string;
    image: string;
    extraPortMappings?: { containerPort: number; hostPort: number; listenAddress?: string }[];
  }[];
}

suite("kind cluster", () => {
  it("one control plane and two workers, all on the pinned node image (with digest)", () => {
    const cluster = loadYamlOne<KindCluster>("kind/cluster.yaml");
    assert.equal(cluster.apiVersion, "kind.x-k8s.io/v1alpha4");
    assert.equal(cluster.kind, "Cluster");
    assert.deepEqual(
      cluster.nodes.map((n) => n.role),
      ["control-plane", "worker", "worker"],
    );
    const image = pinnedVersions().get("KIND_NODE_IMAGE")!;
    assert.match(image, /^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
    for (const node of cluster.nodes) assert.equal(node.image, image);
  });

  it("publishes Kourier and Grafana on loopback, matching their NodePorts", () => {
    const mappings = loadYamlOne<KindCluster>("kind/cluster.yaml").nodes[0]!.extraPortMappings!;
    const byContainerPort = new Map(mappings.map((m) => [m.containerPort, m]));
    for (const m of mappings) assert.equal(m.listenAddress, "127.0.0.1");
    assert.equal(byContainerPort.get(31080)?.hostPort, 80);
    assert.match(readText("kind/up.sh"), /"nodePort":31080/);
    const grafana = findObject("Service", "grafana", "observability")!;
    const nodePort = (grafana.spec.ports as { nodePort: number }[])[0]!.nodePort;
    assert.equal(byContainerPort.get(nodePort)?.hostPort, 3000);
  });
});

suite("pinned versions", () => {
  it("nothing floats", () => {
    const versions = pinnedVersions();
    assert.ok(versions.size >= 15);
    for (const [key, value] of versions) {
      assert.ok(value.length > 0, `${key} is empty`);
      assert.doesNotMatch(value, /(:|^)latest$|:v?\d+$/, `${key}=${value} floats`);
    }
  });

  it("every image in kind/infra and monitoring is a pinned one, and every pinned image is used", () => {
    const versions = [...pinnedVersions().entries()].filter(
      ([key]) => key.endsWith("_IMAGE") && key !== "KIND_NODE_IMAGE" && key !== "REGISTRY_IMAGE",
    );
    const pinned = new Set(versions.map(([, value]) => value));
    const used = new Set<string>();
    for (const file of deploymentYamlFiles().filter(
      (f) => f.startsWith("kind/infra/") || f.startsWith("monitoring/"),
    )) {
      for (const [, image] of JSON.stringify(loadYaml(file).map((d) => d.value)).matchAll(
        /"image":"([^"]+)"/g,
      ))
        used.add(image!);
    }
    assert.deepEqual(
      [...used].filter((i) => !pinned.has(i)),
      [],
      "images not in kind/versions.env",
    );
    assert.deepEqual(
      [...pinned].filter((i) => !used.has(i)),
      [],
      "pinned but unused",
    );
  });

  it("the Kafka version in the Kafka resource is the pinned one", () => {
    assert.equal(
      findObject("Kafka", "rag-kafka", "kafka")!.spec.kafka.version,
      pinnedVersions().get("KAFKA_VERSION"),
    );
  });
});

suite("scripts", () => {
  it("parse (bash -n)", () => {
    for (const script of SCRIPTS) {
      const result = spawnSync("bash", ["-n", repoPath(script)], { encoding: "utf8" });
      assert.equal(result.status, 0, `${script}: ${result.stderr}`);
    }
  });

  it("pass shellcheck", (t) => {
    if (!toolAvailable("shellcheck")) {
      if (inCi) assert.fail("shellcheck missing in CI (.ci/install-deploy-tools.sh installs it)");
      t.skip("shellcheck not installed (apt-get install shellcheck)");
      return;
    }
    const result = spawnSync("shellcheck", ["-x", "-s", "bash", ...SCRIPTS], {
      cwd: repoPath(),
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it("build one image per bundled function with the Dockerfile's build arg", () => {
    const lib = readText("kind/lib.sh");
    const listed = /FUNCTIONS=\(([^)]*)\)/.exec(lib)![1]!.trim().split(/\s+/);
    assert.deepEqual(listed, FUNCTION_NAMES);
    assert.match(
      readText("kind/build-images.sh"),
      /docker build --build-arg "FUNCTION=\$\{name\}"/,
    );
  });

  it("never write the OpenAI key to a file or a command line", () => {
    const lines = readText("kind/up.sh")
      .split("\n")
      .filter((line) => line.includes("OPENAI_API_KEY") && !line.trimStart().startsWith("#"));
    assert.ok(lines.length > 0);
    for (const line of lines) {
      assert.doesNotMatch(line, /(>|\btee\b|--from-literal=OPENAI_API_KEY)/, line);
    }
    assert.match(readText("kind/up.sh"), /printf '%s' "\$\{OPENAI_API_KEY\}" \|/);
  });

  it("install what they install from pinned URLs", () => {
    const up = readText("kind/up.sh");
    for (const variable of [
      "KNATIVE_SERVING_VERSION",
      "KNATIVE_KOURIER_VERSION",
      "KNATIVE_EVENTING_VERSION",
      "KNATIVE_KAFKA_VERSION",
      "STRIMZI_VERSION",
    ]) {
      assert.ok(up.includes(`\${${variable}}`), `${variable} not used by up.sh`);
    }
    assert.doesNotMatch(up, /releases\/latest|\/latest\/download/);
    for (const file of [
      "eventing-kafka-controller.yaml",
      "eventing-kafka-source.yaml",
      "eventing-kafka-sink.yaml",
      "serving-core.yaml",
      "kourier.yaml",
      "eventing-core.yaml",
    ]) {
      assert.ok(up.includes(file), file);
    }
  });
});
