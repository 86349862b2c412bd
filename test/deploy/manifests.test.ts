// Every YAML file under kind/, knative/ and monitoring/ parses, and every Kubernetes object in
// them validates: core and Knative Serving/Eventing kinds with kubernetes-models (its validate()
// plus a type check that rejects unknown fields), KafkaSource and Strimzi kinds with their CRDs'
// schemas from ../shared/schemas, KafkaSink with a schema transcribed from its CRD.
import assert from "node:assert/strict";
import { describe as suite, it } from "node:test";
import { Deployment } from "kubernetes-models/apps/v1";
import { CrdValidator, strictify } from "./support/crd-schema.ts";
import {
  describe,
  deploymentYamlFiles,
  findObject,
  inCi,
  kubernetesManifests,
  loadYaml,
  sharedSchemas,
  type K8sObject,
} from "./support/repo.ts";
import {
  SHARED_SCHEMA_KINDS,
  sharedSchemasPresent,
  validateObjects,
} from "./support/validate-manifests.ts";

function mustFind(kind: string, name: string): K8sObject {
  const object = findObject(kind, name);
  assert.ok(object, `${kind}/${name} not found in the manifests`);
  return structuredClone(object);
}

async function outcomeOf(object: K8sObject) {
  const [outcome] = await validateObjects([object]);
  return outcome!;
}

suite("deployment manifests", () => {
  it("every YAML file parses", () => {
    const files = deploymentYamlFiles();
    assert.ok(files.length > 20, `expected the deployment YAML files, found ${files.length}`);
    for (const file of files) assert.doesNotThrow(() => loadYaml(file), file);
  });

  it("every Kubernetes object validates against its schema, unknown fields included", async () => {
    const docs = kubernetesManifests();
    const outcomes = await validateObjects(docs.map((d) => d.value));
    const problems: string[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === "invalid")
        problems.push(`${describe(docs[i]!)}:\n    ${outcome.errors.join("\n    ")}`);
    });
    assert.deepEqual(problems, [], problems.join("\n"));
  });

  it("KafkaSource and Strimzi objects were checked against ../shared/schemas", async (t) => {
    const docs = kubernetesManifests().filter((d) =>
      SHARED_SCHEMA_KINDS.has(`${d.value.apiVersion}/${d.value.kind}`),
    );
    assert.ok(docs.length >= 5, "the KafkaSource, Kafka, KafkaNodePool and two KafkaTopics");
    if (!sharedSchemasPresent()) {
      if (inCi) assert.fail(`${sharedSchemas} absent in CI`);
      t.skip(`${sharedSchemas} absent: ${docs.map(describe).join(", ")} not validated`);
      return;
    }
    const outcomes = await validateObjects(docs.map((d) => d.value));
    assert.deepEqual(
      outcomes.map((o) => o.status),
      docs.map(() => "valid"),
    );
  });

  it("names are unique per kind and namespace", () => {
    const seen = new Map<string, string>();
    for (const doc of kubernetesManifests()) {
      const v = doc.value;
      const key = `${v.apiVersion}/${v.kind}/${v.metadata?.namespace ?? ""}/${v.metadata?.name ?? ""}`;
      // Knative system ConfigMaps are patches of installed objects, one file each.
      assert.ok(!seen.has(key), `${key} defined twice: ${seen.get(key)} and ${doc.file}`);
      seen.set(key, doc.file);
    }
  });
});

suite("validation rejects broken manifests", () => {
  it("kubernetes-models' validate() alone accepts unknown fields (why the type check exists)", () => {
    const deployment = new Deployment({
      metadata: { name: "x" },
      spec: {
        selector: { matchLabels: { a: "b" } },
        template: { spec: { containers: [{ name: "c", image: "i" }] } },
      },
    });
    (deployment.spec as unknown as Record<string, unknown>).replicaz = 2;
    assert.doesNotThrow(() => deployment.validate());
  });

  it("an unknown field in a Knative Service fails", async () => {
    const ksvc = mustFind("Service", "ingest");
    ksvc.spec.template.spec.containers[0].imagePullPolcy = "Always";
    const outcome = await outcomeOf(ksvc);
    assert.equal(outcome.status, "invalid");
    assert.match(JSON.stringify(outcome), /imagePullPolcy/);
  });

  it("a wrong type in a Knative Service fails", async () => {
    const ksvc = mustFind("Service", "search");
    ksvc.spec.template.spec.containerConcurrency = "twenty";
    assert.equal((await outcomeOf(ksvc)).status, "invalid");
  });

  it("an unknown field in a core object fails, at any depth", async () => {
    const deployment = mustFind("Deployment", "redis");
    deployment.spec.template.spec.containers[0].resources.limit = { memory: "1Gi" };
    const outcome = await outcomeOf(deployment);
    assert.equal(outcome.status, "invalid");
    assert.match(JSON.stringify(outcome), /limit/);
  });

  it("an unknown field in metadata fails", async () => {
    const configMap = mustFind("ConfigMap", "rag-config");
    (configMap.metadata as Record<string, unknown>).label = { a: "b" };
    assert.equal((await outcomeOf(configMap)).status, "invalid");
  });

  it("a wrong enum value in the KafkaSink fails", async () => {
    const sink = mustFind("KafkaSink", "documents-dlq");
    sink.spec.contentMode = "json";
    assert.equal((await outcomeOf(sink)).status, "invalid");
  });

  it("KafkaSource and Strimzi objects with an unknown field or a wrong type fail", async (t) => {
    if (!sharedSchemasPresent()) {
      if (inCi) assert.fail(`${sharedSchemas} absent in CI`);
      t.skip(`${sharedSchemas} absent: CRD schema checks skipped`);
      return;
    }
    const source = mustFind("KafkaSource", "documents");
    source.spec.delivery.retries = 3;
    const sourceWrongType = mustFind("KafkaSource", "documents");
    sourceWrongType.spec.delivery.retry = "five";
    const topic = mustFind("KafkaTopic", "documents");
    topic.spec.partition = 3;
    const pool = mustFind("KafkaNodePool", "dual-role");
    pool.spec.replicas = "one";
    const kafka = mustFind("Kafka", "rag-kafka");
    kafka.spec.kafka.listener = [];
    const outcomes = await validateObjects([source, sourceWrongType, topic, pool, kafka]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["invalid", "invalid", "invalid", "invalid", "invalid"],
    );
    assert.match(JSON.stringify(outcomes[0]), /unknown field \\"retries\\"/);
  });

  it("strictify closes declared objects but keeps maps and preserve-unknown-fields open", () => {
    const validator = new CrdValidator();
    validator.add("x/v1", "X", {
      type: "object",
      properties: {
        apiVersion: { type: "string" },
        kind: { type: "string" },
        spec: {
          type: "object",
          properties: {
            labels: { type: "object", additionalProperties: { type: "string" } },
            config: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
            port: {
              "x-kubernetes-int-or-string": true,
              anyOf: [{ type: "integer" }, { type: "string" }],
            },
          },
        },
      },
    });
    assert.deepEqual(
      validator.validate({
        apiVersion: "x/v1",
        kind: "X",
        spec: { labels: { a: "b" }, config: { anything: 1 }, port: "http" },
      } as never),
      [],
    );
    assert.match(
      validator.validate({ apiVersion: "x/v1", kind: "X", spec: { other: 1 } } as never).join(),
      /unknown field "other"/,
    );
    assert.match(
      validator.validate({ apiVersion: "x/v1", kind: "X", spec: { port: [] } } as never).join(),
      /must be integer,string/,
    );
    assert.deepEqual(strictify({ type: "object" }), { type: "object" });
  });
});
