// Knative-specific checks the schemas cannot make: the KafkaSource's delivery spec is complete
// and consistent with its sink, the Services' autoscaling annotations hold valid values, the
// runtime contract (probes, port, env) is met, and every cross-reference resolves.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe as suite, it } from "node:test";
import { KAFKA_SOURCE_DELIVERY, backoffMs } from "../../dev/kafka-relay/delivery.ts";
import { iso8601Seconds, goDurationSeconds } from "./support/durations.ts";
import { autoscalingProblems } from "./support/knative-annotations.ts";
import { readCrdSchemas } from "./support/crd-schema.ts";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import {
  findObject,
  inCi,
  kubernetesManifests,
  loadYamlOne,
  readText,
  repoPath,
  sharedSchemas,
  type K8sObject,
} from "./support/repo.ts";

/** Scale from zero on kind: schedule, pull a cached image, start node, pass /readyz. */
export const COLD_START_BUDGET_SECONDS = 30;

const ksvcs = () =>
  kubernetesManifests()
    .map((d) => d.value)
    .filter((o) => o.apiVersion === "serving.knative.dev/v1" && o.kind === "Service");
const ksvc = (name: string) => ksvcs().find((s) => s.metadata?.name === name)!;
const kafkaSource = () => findObject("KafkaSource", "documents", "knative-rag")!;
const ragConfig = () => findObject("ConfigMap", "rag-config", "knative-rag")!.data!;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
  };
}

/** The environment a function's container ends up with, by name -> value ("<secret>" for secrets). */
function effectiveEnv(service: K8sObject): Map<string, string> {
  const container = service.spec.template.spec.containers[0];
  const env = new Map<string, string>();
  for (const source of (container.envFrom ?? []) as {
    configMapRef?: { name: string; optional?: boolean };
  }[]) {
    const configMap = source.configMapRef
      ? findObject("ConfigMap", source.configMapRef.name, "knative-rag")
      : undefined;
    if (source.configMapRef && !source.configMapRef.optional)
      assert.ok(configMap, `ConfigMap ${source.configMapRef.name} missing`);
    // openai-mode is optional and applied only with a key: the defaults are what a keyless cluster runs.
    if (configMap && source.configMapRef?.name === "rag-config")
      for (const [k, v] of Object.entries(configMap.data ?? {})) env.set(k, v);
  }
  for (const variable of (container.env ?? []) as EnvVar[])
    env.set(variable.name, variable.value ?? "<secret>");
  return env;
}

/** Resolves http://<svc>.<ns>.svc.cluster.local[:port] to a Service in the manifests. */
function resolveClusterUrl(url: string): string | undefined {
  const parsed = new URL(url);
  const match = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(parsed.hostname);
  if (!match) return `${url}: not a cluster-local Service URL`;
  const [, name, namespace] = match;
  const port = Number(parsed.port || 80);
  const services = kubernetesManifests()
    .map((d) => d.value)
    .filter(
      (o) =>
        o.kind === "Service" && o.metadata?.name === name && o.metadata?.namespace === namespace,
    );
  if (services.length === 0) return `${url}: no Service ${name} in ${namespace}`;
  const service = services[0]!;
  if (service.apiVersion === "serving.knative.dev/v1")
    return port === 80 ? undefined : `${url}: Knative Services listen on 80`;
  const ports = (service.spec.ports as { port: number }[]).map((p) => p.port);
  return ports.includes(port)
    ? undefined
    : `${url}: Service ${name} has ports ${ports.join(",")}, not ${port}`;
}

/**
 * Delivery fields the KafkaSource's CRD accepts and its data plane ignores: the reconciler's egress
 * config (contract.proto) has no field for them and the dispatcher never reads Retry-After.
 */
const IGNORED_BY_KAFKA_SOURCE = ["retryAfterMax"];

/** index-document's realistic outages (a dependency's pod restarted, rescheduled, or in its first CrashLoopBackOff restarts). */
const OUTAGE_BUDGET_SECONDS = 5 * 60;

suite("KafkaSource delivery", () => {
  it("sets every delivery field the dispatcher reads, and none that it ignores", (t) => {
    const delivery = kafkaSource().spec.delivery as Record<string, unknown>;
    const crdFile = path.join(sharedSchemas, "kafkasource-crd.yaml");
    let fields = [
      "retry",
      "backoffPolicy",
      "backoffDelay",
      "timeout",
      "retryAfterMax",
      "deadLetterSink",
    ];
    if (existsSync(crdFile)) {
      const v1 = readCrdSchemas(crdFile).find(
        (s) => s.kind === "KafkaSource" && s.version === "v1",
      )!;
      fields = Object.keys((v1.schema as any).properties.spec.properties.delivery.properties);
    } else {
      if (inCi) assert.fail(`${crdFile} absent in CI`);
      t.diagnostic(`${crdFile} absent: checking the fields known at Knative 1.23`);
    }
    assert.ok(fields.length >= 6, `delivery fields: ${fields.join(", ")}`);
    const missing = fields.filter(
      (f) =>
        !IGNORED_BY_KAFKA_SOURCE.includes(f) && (delivery[f] === undefined || delivery[f] === null),
    );
    assert.deepEqual(
      missing,
      [],
      "a missing delivery field silently means its default (e.g. zero retries)",
    );
    const ignored = IGNORED_BY_KAFKA_SOURCE.filter((f) => f in delivery);
    assert.deepEqual(
      ignored,
      [],
      "accepted by the CRD, ignored by the KafkaSource: it would promise behaviour Knative does not have",
    );
  });

  it("has valid values: retries, a known backoff policy, ISO 8601 durations", () => {
    const delivery = kafkaSource().spec.delivery;
    assert.ok(Number.isInteger(delivery.retry) && delivery.retry >= 1, "at least one retry");
    assert.ok(["linear", "exponential"].includes(delivery.backoffPolicy));
    for (const field of ["backoffDelay", "timeout"]) {
      assert.ok(
        iso8601Seconds(delivery[field]) !== undefined,
        `${field} ${delivery[field]} is not an ISO 8601 duration`,
      );
    }
    assert.ok(iso8601Seconds(delivery.backoffDelay)! > 0);
  });

  it("waits longer than a cold start plus the sink's own request timeout", () => {
    const source = kafkaSource();
    const timeout = iso8601Seconds(source.spec.delivery.timeout)!;
    const sink = ksvc(source.spec.sink.ref.name);
    const sinkTimeout = sink.spec.template.spec.timeoutSeconds as number;
    assert.ok(
      timeout > COLD_START_BUDGET_SECONDS,
      `timeout ${timeout}s <= cold start budget ${COLD_START_BUDGET_SECONDS}s`,
    );
    assert.ok(
      timeout >= COLD_START_BUDGET_SECONDS + sinkTimeout,
      `timeout ${timeout}s < cold start ${COLD_START_BUDGET_SECONDS}s + index-document's timeoutSeconds ${sinkTimeout}s`,
    );
  });

  it("retries for longer than index-document's realistic outages, on the dispatcher's schedule", () => {
    const delivery = kafkaSource().spec.delivery;
    assert.equal(delivery.backoffPolicy, "exponential");
    const delayMs = iso8601Seconds(delivery.backoffDelay)! * 1000;
    let waitedMs = 0;
    for (let n = 1; n <= delivery.retry; n++) waitedMs += backoffMs(delayMs, n);
    assert.ok(
      waitedMs >= OUTAGE_BUDGET_SECONDS * 1000,
      `retries span ${waitedMs / 1000}s < ${OUTAGE_BUDGET_SECONDS}s`,
    );
  });

  it("the dev relay's defaults are this delivery, so local runs retry as the cluster does", () => {
    const delivery = kafkaSource().spec.delivery;
    assert.deepEqual(KAFKA_SOURCE_DELIVERY, {
      retry: delivery.retry,
      backoffDelayMs: iso8601Seconds(delivery.backoffDelay)! * 1000,
      timeoutMs: iso8601Seconds(delivery.timeout)! * 1000,
    });
  });

  it("sink, dead-letter sink, topics and brokers all resolve", () => {
    const source = kafkaSource();
    assert.equal(source.spec.sink.ref.apiVersion, "serving.knative.dev/v1");
    assert.ok(ksvc(source.spec.sink.ref.name), "sink Service exists");
    const dls = source.spec.delivery.deadLetterSink.ref;
    const sink = findObject(dls.kind, dls.name, "knative-rag");
    assert.ok(sink, `dead-letter sink ${dls.kind}/${dls.name} exists`);
    const kafka = findObject("Kafka", "rag-kafka", "kafka")!;
    const listener = (kafka.spec.kafka.listeners as { port: number; tls: boolean }[]).find(
      (l) => !l.tls,
    )!;
    const bootstrap = `rag-kafka-kafka-bootstrap.kafka.svc.cluster.local:${listener.port}`;
    assert.deepEqual(source.spec.bootstrapServers, [bootstrap]);
    assert.deepEqual(sink.spec.bootstrapServers, [bootstrap]);
    for (const topic of [...source.spec.topics, sink.spec.topic])
      assert.ok(findObject("KafkaTopic", topic, "kafka"), `KafkaTopic ${topic}`);
    assert.equal(
      sink.spec.numPartitions,
      undefined,
      "the sink must not create a topic Strimzi already manages",
    );
  });

  it("names its consumer group and chooses ordering and initial offset", () => {
    const spec = kafkaSource().spec;
    assert.match(spec.consumerGroup, /^[a-z0-9-]+$/);
    assert.ok(["ordered", "unordered"].includes(spec.ordering));
    assert.ok(["earliest", "latest"].includes(spec.initialOffset));
    // The dashboards' and alerts' lag queries name this group.
    assert.ok(
      readText("monitoring/rules/slo.rules.yaml").includes(`consumergroup="${spec.consumerGroup}"`),
    );
  });

  it("ingest publishes where the source reads", () => {
    const env = effectiveEnv(ksvc("ingest"));
    assert.equal(env.get("EVENT_PUBLISHER"), "kafka");
    assert.equal(env.get("KAFKA_TOPIC"), kafkaSource().spec.topics[0]);
    assert.deepEqual(env.get("KAFKA_BROKERS")!.split(","), kafkaSource().spec.bootstrapServers);
  });

  it("index-document's consumer spans name the topic the source reads", () => {
    const env = effectiveEnv(ksvc("index-document"));
    assert.equal(env.get("EVENT_DELIVERY"), "kafka");
    assert.equal(env.get("KAFKA_TOPIC"), kafkaSource().spec.topics[0]);
  });
});

suite("Knative Services", () => {
  it("one Service per bundled function, image by name, in the kustomization", () => {
    assert.deepEqual(
      ksvcs()
        .map((s) => s.metadata!.name)
        .sort(),
      [...FUNCTION_NAMES].sort(),
    );
    const kustomization = loadYamlOne<{
      resources: string[];
      images: { name: string; newName: string }[];
    }>("knative/kustomization.yaml");
    for (const name of FUNCTION_NAMES) {
      assert.equal(ksvc(name).spec.template.spec.containers[0].image, `knative-rag/${name}`);
      assert.ok(
        kustomization.images.some(
          (i) =>
            i.name === `knative-rag/${name}` && i.newName === `localhost:5001/knative-rag/${name}`,
        ),
      );
    }
    for (const resource of kustomization.resources)
      assert.ok(existsSync(repoPath("knative", resource)), `knative/${resource} missing`);
  });

  it("autoscaling annotations are valid and chosen explicitly", () => {
    for (const service of ksvcs()) {
      const annotations = service.spec.template.metadata.annotations as Record<string, string>;
      const cc = service.spec.template.spec.containerConcurrency as number | undefined;
      assert.deepEqual(autoscalingProblems(annotations, cc), [], service.metadata!.name);
      for (const key of [
        "class",
        "metric",
        "target",
        "min-scale",
        "max-scale",
        "initial-scale",
        "scale-to-zero-pod-retention-period",
      ]) {
        assert.ok(
          annotations[`autoscaling.knative.dev/${key}`] !== undefined,
          `${service.metadata!.name}: ${key} not set`,
        );
      }
      assert.ok(Number.isInteger(cc) && cc! > 0, `${service.metadata!.name}: containerConcurrency`);
      assert.ok(
        service.spec.template.spec.timeoutSeconds > 0,
        `${service.metadata!.name}: timeoutSeconds`,
      );
    }
  });

  it("the annotation checker rejects bad values", () => {
    const base = {
      "autoscaling.knative.dev/class": "kpa.autoscaling.knative.dev",
      "autoscaling.knative.dev/metric": "concurrency",
    };
    assert.deepEqual(
      autoscalingProblems({ ...base, "autoscaling.knative.dev/target": "10" }, 20),
      [],
    );
    const bads: Record<string, string>[] = [
      { "autoscaling.knative.dev/metric": "cpu" },
      { "autoscaling.knative.dev/target": "0" },
      { "autoscaling.knative.dev/target": "30" },
      { "autoscaling.knative.dev/min-scale": "3", "autoscaling.knative.dev/max-scale": "2" },
      { "autoscaling.knative.dev/min-scale": "-1" },
      { "autoscaling.knative.dev/scale-to-zero-pod-retention-period": "10 minutes" },
      { "autoscaling.knative.dev/window": "2s" },
      { "autoscaling.knative.dev/minScale": "1" },
      { "autoscaling.knative.dev/initial-scale": "0" },
    ];
    for (const bad of bads) {
      assert.notDeepEqual(autoscalingProblems({ ...base, ...bad }, 20), [], JSON.stringify(bad));
    }
    assert.equal(goDurationSeconds("1h30m"), 5400);
    assert.equal(iso8601Seconds("PT1M30S"), 90);
    assert.equal(iso8601Seconds("PT"), undefined);
  });

  it("meet the runtime contract: port 8080, /readyz readiness, /livez liveness, non-root, resources", () => {
    for (const service of ksvcs()) {
      const name = service.metadata!.name;
      const [container, ...others] = service.spec.template.spec.containers;
      assert.equal(others.length, 0, `${name}: one container`);
      assert.deepEqual(container.ports, [{ name: "http1", containerPort: 8080 }], name);
      assert.equal(container.readinessProbe.httpGet.path, "/readyz", name);
      assert.equal(container.livenessProbe.httpGet.path, "/livez", name);
      assert.equal(container.securityContext.runAsNonRoot, true, name);
      assert.equal(container.securityContext.readOnlyRootFilesystem, true, name);
      assert.ok(
        container.resources.requests.cpu &&
          container.resources.requests.memory &&
          container.resources.limits.memory,
        name,
      );
      assert.equal(
        container.resources.limits.cpu,
        undefined,
        `${name}: a CPU limit throttles cold starts`,
      );
      const env = effectiveEnv(service);
      const shutdown = Number(env.get("SHUTDOWN_TIMEOUT_MS"));
      assert.ok(
        shutdown / 1000 < service.spec.template.spec.timeoutSeconds,
        `${name}: drain must end within the grace period`,
      );
    }
  });

  it("each function gets the settings its backends need", () => {
    const common = [
      "OBSERVABILITY_ENABLED",
      "OTEL_EXPORTER_OTLP_ENDPOINT",
      "LOG_LEVEL",
      "SHUTDOWN_TIMEOUT_MS",
    ];
    const s3 = [
      "OBJECT_STORE",
      "S3_ENDPOINT",
      "S3_REGION",
      "S3_ACCESS_KEY_ID",
      "S3_SECRET_ACCESS_KEY",
      "S3_FORCE_PATH_STYLE",
      "DOCUMENTS_BUCKET",
    ];
    const weaviate = ["VECTOR_STORE", "WEAVIATE_URL", "WEAVIATE_GRPC_URL", "WEAVIATE_COLLECTION"];
    const upstash = ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"];
    const cache = ["CACHE", ...upstash];
    const indexState = ["INDEX_STATE", ...upstash];
    const required: Record<string, string[]> = {
      ingest: [
        ...common,
        ...s3,
        "EVENT_PUBLISHER",
        "KAFKA_BROKERS",
        "KAFKA_TOPIC",
        "KAFKA_DEAD_LETTER_TOPIC",
        "KAFKA_CLIENT_ID",
        "MAX_DOCUMENT_BYTES",
      ],
      "index-document": [
        ...common,
        ...s3,
        ...weaviate,
        ...indexState,
        "EVENT_DELIVERY",
        "KAFKA_TOPIC",
        "EMBED_URL",
        "CHUNK_SIZE",
        "CHUNK_OVERLAP",
        "EMBED_BATCH_SIZE",
        "EMBED_TIMEOUT_MS",
        "MAX_DOCUMENT_BYTES",
      ],
      embed: [
        ...common,
        ...cache,
        "EMBEDDER",
        "EMBEDDING_DIMENSIONS",
        "OPENAI_API_KEY",
        "EMBEDDING_CACHE_TTL_SECONDS",
      ],
      search: [
        ...common,
        ...weaviate,
        ...cache,
        ...indexState,
        "EMBED_URL",
        "LLM",
        "OPENAI_API_KEY",
        "INGEST_URL",
        "TRACE_UI_URL",
        "SEARCH_CACHE_TTL_SECONDS",
        "MAX_QUERY_CHARS",
      ],
    };
    for (const [name, variables] of Object.entries(required)) {
      const declared = (ksvc(name).spec.template.spec.containers[0].env as EnvVar[]).map(
        (v) => v.name,
      );
      const twice = declared.filter((v, i) => declared.indexOf(v) !== i);
      assert.deepEqual(
        twice,
        [],
        `${name} declares a variable twice (the API server rejects the Service)`,
      );
      const env = effectiveEnv(ksvc(name));
      const missing = variables.filter((v) => !env.has(v));
      assert.deepEqual(missing, [], name);
      assert.notEqual(env.get("OBJECT_STORE") ?? "s3", "filesystem", name);
    }
    assert.equal(
      effectiveEnv(ksvc("index-document")).get("MAX_DOCUMENT_BYTES"),
      effectiveEnv(ksvc("ingest")).get("MAX_DOCUMENT_BYTES"),
      "one document limit end to end",
    );
    const config = ragConfig();
    assert.equal(config.OBJECT_STORE, "s3");
    assert.equal(config.VECTOR_STORE, "weaviate");
    assert.equal(config.CACHE, "upstash");
    assert.equal(
      config.INDEX_STATE,
      "upstash",
      "index-document and search pods share the index state",
    );
  });

  it("every URL in the configuration names a Service that exists, on the right port", () => {
    const urls = new Set<string>();
    for (const service of ksvcs()) {
      for (const [key, value] of effectiveEnv(service))
        if (/_(URL|ENDPOINT)$/.test(key) && value.startsWith("http") && key !== "TRACE_UI_URL")
          urls.add(value);
    }
    for (const file of [
      "knative/system/serving-config-observability.yaml",
      "knative/system/eventing-config-observability.yaml",
    ]) {
      for (const [key, value] of Object.entries(loadYamlOne<K8sObject>(file).data!))
        if (key.endsWith("-endpoint")) urls.add(value);
    }
    const problems = [...urls].map(resolveClusterUrl).filter((p): p is string => p !== undefined);
    assert.deepEqual(problems, []);
    assert.ok(urls.size >= 8, [...urls].join(" "));
  });

  it("secrets referenced are the ones kind/up.sh creates, and the OpenAI key is optional", () => {
    const upSh = readText("kind/up.sh");
    for (const service of ksvcs()) {
      for (const variable of service.spec.template.spec.containers[0].env as EnvVar[]) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) continue;
        assert.ok(
          upSh.includes(`secret generic ${ref.name}`),
          `${ref.name} is not created by up.sh`,
        );
        assert.ok(upSh.includes(`${ref.key}=`), `${ref.name}.${ref.key} is not set by up.sh`);
        if (ref.name === "rag-openai" || ref.name === "rag-api-keys")
          assert.equal(ref.optional, true, `without ${ref.name} the functions must still start`);
      }
    }
  });

  it("search links trace ids to Grafana's Tempo datasource", () => {
    const traceUi = effectiveEnv(ksvc("search")).get("TRACE_UI_URL")!;
    assert.ok(traceUi.includes("{trace_id}"));
    const panes = JSON.parse(
      decodeURIComponent(new URL(traceUi.replace("{trace_id}", "0")).searchParams.get("panes")!),
    );
    assert.equal(panes.t.queries[0].datasource.uid, "tempo");
  });

  it("the public functions read API_KEYS from the same optional Secret; the internal ones do not", () => {
    const apiKeys = (name: string) =>
      (ksvc(name).spec.template.spec.containers[0].env as EnvVar[]).find(
        (v) => v.name === "API_KEYS",
      )?.valueFrom?.secretKeyRef;
    for (const name of ["ingest", "search"])
      assert.deepEqual(
        apiKeys(name),
        { name: "rag-api-keys", key: "API_KEYS", optional: true },
        name,
      );
    for (const name of ["index-document", "embed"])
      assert.equal(apiKeys(name), undefined, `${name} is cluster-local and checks no keys`);
  });

  it("internal functions are cluster-local; public ones are not", () => {
    const visibility = (name: string) =>
      ksvc(name).metadata!.labels?.["networking.knative.dev/visibility"];
    assert.equal(visibility("index-document"), "cluster-local");
    assert.equal(visibility("embed"), "cluster-local");
    assert.equal(visibility("search"), undefined);
    assert.equal(visibility("ingest"), undefined);
  });
});

suite("Knative configuration", () => {
  for (const namespace of ["knative-serving", "knative-eventing"]) {
    it(`config-observability in ${namespace} traces to the collector with a sampling rate above 0`, () => {
      const data = findObject("ConfigMap", "config-observability", namespace)!.data!;
      assert.ok(["grpc", "http/protobuf"].includes(data["tracing-protocol"]!));
      assert.ok(
        Number(data["tracing-sampling-rate"]) > 0 && Number(data["tracing-sampling-rate"]) <= 1,
      );
      assert.match(
        data["tracing-endpoint"]!,
        /^http:\/\/otel-collector\.observability\.svc\.cluster\.local:4318\/v1\/traces$/,
      );
      assert.ok(
        ["prometheus", "grpc", "http/protobuf"].includes(data["metrics-protocol"]!),
        "metrics exported",
      );
      assert.equal(
        findObject("ConfigMap", "config-tracing", namespace),
        undefined,
        "config-tracing is deprecated since 1.19",
      );
    });
  }

  it("serving: Kourier, magic DNS, emptyDir enabled", () => {
    assert.equal(
      findObject("ConfigMap", "config-network", "knative-serving")!.data!["ingress-class"],
      "kourier.ingress.networking.knative.dev",
    );
    assert.ok(
      "127.0.0.1.sslip.io" in findObject("ConfigMap", "config-domain", "knative-serving")!.data!,
    );
    assert.equal(
      findObject("ConfigMap", "config-features", "knative-serving")!.data![
        "kubernetes.podspec-volumes-emptydir"
      ],
      "enabled",
    );
  });
});
