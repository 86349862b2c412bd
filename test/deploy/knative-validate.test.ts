// Knative's own code over the manifests (test/knative-validate, a Go module pinned to the release
// in kind/versions.env): strict decoding, SetDefaults + Validate with the project's feature flags
// in the context as the webhooks load them, the config-map constructors on knative/system/, and no
// config key Knative would ignore. Deliberately broken manifests prove each check can fail.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { backoffMs } from "../../dev/kafka-relay/delivery.ts";
import { buildGoTool, goEnv, requireGo } from "./support/go-tools.ts";
import { iso8601Seconds } from "./support/durations.ts";
import { findObject, pinnedVersions, readText, repoPath } from "./support/repo.ts";

interface Result {
  file: string;
  kind: string;
  namespace: string;
  name: string;
  errors: string[];
  warnings?: string[];
  egress?: {
    retry: number;
    backoffPolicy: string;
    backoffDelayMs: number;
    timeoutMs: number;
    waitsMs: number[];
    totalWaitMs: number;
  };
}

/** The Go module versions of each Knative release (the proxy serves exact versions only). */
const KNATIVE_MODULES: Record<string, Record<string, string>> = {
  "knative-v1.23.0": {
    "knative.dev/serving": "v0.50.0",
    "knative.dev/eventing": "v0.50.0",
    "knative.dev/eventing-kafka-broker": "v0.50.1",
  },
};

/** Every manifest Knative reads: the application and knative/system/ (openai-mode included). */
const projectFiles = () =>
  (readdirSync(repoPath("knative"), { recursive: true }) as string[])
    .filter((f) => f.endsWith(".yaml") && path.basename(f) !== "kustomization.yaml")
    .sort()
    .map((f) => repoPath("knative", f));
const fixture = (name: string) => repoPath("test/deploy/fixtures/knative-invalid", name);

function requiredVersions(goMod: string): Map<string, string> {
  return new Map(
    [...goMod.matchAll(/^\s*(knative\.dev\/[\w-]+) (v\S+)/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

describe("Knative's own validation (test/knative-validate)", () => {
  let binary: string | undefined;
  const run = (files: string[]) => {
    const result = spawnSync(binary!, ["check", ...files], { env: goEnv(), encoding: "utf8" });
    assert.ok(
      result.status === 0 || result.status === 1,
      `knative-validate failed to run: ${result.stderr}`,
    );
    return {
      status: result.status,
      report: (JSON.parse(result.stdout) as { objects: Result[] }).objects,
    };
  };
  const failing = (report: Result[]) => report.filter((r) => r.errors.length > 0);

  it("its go.mod pins exactly the Knative release of kind/versions.env", () => {
    const release = pinnedVersions().get("KNATIVE_SERVING_VERSION")!;
    for (const key of ["KNATIVE_EVENTING_VERSION", "KNATIVE_KAFKA_VERSION"])
      assert.equal(pinnedVersions().get(key), release, `${key} is another release`);
    const expected = KNATIVE_MODULES[release];
    assert.ok(
      expected,
      `${release}: add its Go module versions to KNATIVE_MODULES and to test/knative-validate/go.mod`,
    );
    const pinned = requiredVersions(readText("test/knative-validate/go.mod"));
    for (const [module, version] of Object.entries(expected))
      assert.equal(pinned.get(module), version, module);
    assert.doesNotMatch(
      readText("test/knative-validate/go.mod"),
      /^replace\b/m,
      "no replace directives: the published modules, as released",
    );
  });

  it("builds with the machine's Go", (t) => {
    const go = requireGo(t);
    if (!go) return;
    const built = buildGoTool(go, "knative-validate");
    binary = built.binary;
    t.diagnostic(
      built.rebuilt
        ? `go build: ${built.seconds.toFixed(1)} s (.ci/install-knative-tools.sh builds it before the tests)`
        : "up to date",
    );
  });

  it("accepts every Knative object and system ConfigMap of the project", (t) => {
    if (!binary) return t.skip("not built");
    const { status, report } = run(projectFiles());
    assert.deepEqual(failing(report), []);
    assert.equal(status, 0);
    const kinds = report.map((r) => `${r.kind}/${r.name}`).sort();
    for (const expected of [
      "Service/search",
      "Service/ingest",
      "Service/embed",
      "Service/index-document",
      "KafkaSource/documents",
      "KafkaSink/documents-dlq",
    ]) {
      assert.ok(kinds.includes(expected), `${expected} validated (${kinds.join(", ")})`);
    }
    assert.ok(
      report.filter((r) => r.kind === "ConfigMap").length >= 5,
      "the system ConfigMaps are in the report",
    );
  });

  it("computes the KafkaSource's retry schedule as the dispatcher will run it, and the relay agrees", (t) => {
    if (!binary) return t.skip("not built");
    const source = run(projectFiles()).report.find((r) => r.kind === "KafkaSource")!;
    const delivery = findObject("KafkaSource", "documents", "knative-rag")!.spec.delivery;
    const delayMs = iso8601Seconds(delivery.backoffDelay)! * 1000;
    assert.equal(source.egress?.backoffPolicy, "Exponential");
    assert.equal(source.egress?.timeoutMs, iso8601Seconds(delivery.timeout)! * 1000);
    assert.deepEqual(
      source.egress?.waitsMs,
      Array.from({ length: delivery.retry }, (_, i) => backoffMs(delayMs, i + 1)),
    );
    t.diagnostic(
      `retries wait ${source.egress!.waitsMs.map((ms) => ms / 1000).join(", ")} s: ${source.egress!.totalWaitMs / 1000} s in all`,
    );
  });

  const rejected: [fixture: string, objects: string[], error: RegExp][] = [
    [
      "min-over-max-scale.yaml",
      ["Service/scale-bounds"],
      /min-scale.*max-scale|max-scale.*min-scale/i,
    ],
    [
      "unknown-field.yaml",
      ["Service/unknown-field"],
      /strict decoding: .*unknown field "timeoutSecond"/,
    ],
    [
      "privileged-container.yaml",
      ["Service/privileged"],
      /must not set the field\(s\).*privileged/s,
    ],
    ["bad-ordering.yaml", ["KafkaSource/bad-ordering"], /invalid value: random: spec\.ordering/],
    ["retry-after-max.yaml", ["KafkaSource/retry-after-max"], /ignored by the KafkaSource/],
    [
      "sampling-rate-2.yaml",
      ["ConfigMap/config-observability"],
      /sampling rate .* less than or equal to one/,
    ],
    [
      "emptydir-old-key.yaml",
      ["ConfigMap/config-features"],
      /unknown key "kubernetes\.podspec-emptydir"/,
    ],
    [
      "emptydir-disabled.yaml",
      ["Service/embed", "Service/index-document", "Service/ingest", "Service/search"],
      /emptyDir/,
    ],
  ];
  for (const [file, objects, error] of rejected) {
    it(`rejects ${file}: ${objects.join(", ")}`, (t) => {
      if (!binary) return t.skip("not built");
      const { status, report } = run([...projectFiles(), fixture(file)]);
      assert.equal(status, 1);
      const failed = failing(report);
      assert.deepEqual(
        failed.map((r) => `${r.kind}/${r.name}`).sort(),
        objects,
        JSON.stringify(failed, null, 1),
      );
      for (const r of failed)
        assert.ok(
          r.errors.some((e) => error.test(e)),
          `${r.kind}/${r.name}: ${r.errors.join(" | ")}`,
        );
    });
  }
});
