// The three dashboards as data: every panel's PromQL lives here, so the deploy tests (and the
// later check against a real Prometheus) read one list of expressions per dashboard.
// `npm run dashboards` (generate.ts) writes the JSON Grafana provisions;
// test/deploy checks the committed JSON matches this file.
//
// Label conventions (see monitoring/metrics-catalog.yaml):
// - function metrics arrive by OTLP; the collector promotes resource attributes to labels, so
//   the function is `service_name` (= K_SERVICE) — not `job`, which becomes "knative-rag/<name>".
// - Knative autoscaler/activator metrics carry kn_service_name, kn_revision_name, k8s_namespace_name.
// Grafana variables: $function (multi-select regex), $__rate_interval.

const F = 'service_name=~"$function"';
const KN = 'k8s_namespace_name="knative-rag", kn_service_name=~"$function"';

export interface Target {
  expr: string;
  legend: string;
}

export interface Panel {
  title: string;
  description: string;
  unit: string;
  targets: Target[];
  kind?: "timeseries" | "stat";
}

export interface Row {
  title: string;
  panels: Panel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  file: string;
  description: string;
  rows: Row[];
}

export const dashboards: Dashboard[] = [
  {
    uid: "rag-cold-starts",
    title: "Cold starts",
    file: "cold-starts.json",
    description:
      "Scale-from-zero, per function: how often, how long, and where the time goes (activator wait vs function init vs request).",
    rows: [
      {
        title: "How often",
        panels: [
          {
            title: "Cold starts per minute",
            description:
              "New pods that reported a cold start in the last minute. A pod reports faas.coldstarts exactly once, so each new series is one cold start (rate() would miss a counter whose first sample is already 1).",
            unit: "short",
            targets: [
              {
                expr: `count by (service_name) (faas_coldstarts_total{${F}} unless faas_coldstarts_total{${F}} offset 1m)`,
                legend: "{{service_name}}",
              },
            ],
          },
          {
            title: "Pods desired vs ready, per revision",
            description:
              "The autoscaler's wish (kn.revision.pods.desired) against pods that are up and ready (kn.revision.pods.count minus not-ready). The gap after a step up is the cold start.",
            unit: "short",
            targets: [
              {
                expr: `sum by (kn_revision_name) (kn_revision_pods_desired{${KN}})`,
                legend: "desired {{kn_revision_name}}",
              },
              {
                expr: `sum by (kn_revision_name) (kn_revision_pods_count{${KN}}) - sum by (kn_revision_name) (kn_revision_pods_not_ready_count{${KN}})`,
                legend: "ready {{kn_revision_name}}",
              },
            ],
          },
        ],
      },
      {
        title: "How long",
        panels: [
          {
            title: "Function init duration (p50 / p95 / p99)",
            description: "faas.init_duration: process start to ready to serve, per function.",
            unit: "s",
            targets: [0.5, 0.95, 0.99].map((q) => ({
              expr: `histogram_quantile(${q}, sum by (le, service_name) (rate(faas_init_duration_seconds_bucket{${F}}[$__rate_interval])))`,
              legend: `p${Math.round(q * 100)} {{service_name}}`,
            })),
          },
          {
            title: "Time from zero to ready (activator wait, p50 / p95)",
            description:
              "How long requests waited in the activator for a ready pod (its throttler_try span, from Tempo's span metrics): what a cold start costs the caller.",
            unit: "s",
            targets: [0.5, 0.95].map((q) => ({
              expr: `histogram_quantile(${q}, sum by (le) (rate(traces_spanmetrics_latency_bucket{span_name="throttler_try"}[$__rate_interval])))`,
              legend: `p${Math.round(q * 100)} activator wait`,
            })),
          },
          {
            title: "Request latency p95: with vs without cold start",
            description:
              "Server-span latency split by the faas.coldstart span attribute (Tempo span metrics): the first request of a new pod against all others.",
            unit: "s",
            targets: ["true", "false"].map((cold) => ({
              expr: `histogram_quantile(0.95, sum by (le, service) (rate(traces_spanmetrics_latency_bucket{service=~"$function", span_kind="SPAN_KIND_SERVER", faas_coldstart="${cold}"}[$__rate_interval])))`,
              legend: `${cold === "true" ? "cold" : "warm"} {{service}}`,
            })),
          },
          {
            title: "Request latency p95: through the activator vs in the pod",
            description:
              "Activator HTTP server duration (includes waiting for capacity) against the queue-proxy's invocation duration (the pod alone). The gap is time spent waiting for a pod.",
            unit: "s",
            targets: [
              {
                expr: `histogram_quantile(0.95, sum by (le, kn_service_name) (rate(http_server_request_duration_seconds_bucket{job="knative-activator", ${KN}}[$__rate_interval])))`,
                legend: "activator {{kn_service_name}}",
              },
              {
                expr: `histogram_quantile(0.95, sum by (le, kn_service_name) (rate(kn_serving_invocation_duration_seconds_bucket{${KN}}[$__rate_interval])))`,
                legend: "queue-proxy {{kn_service_name}}",
              },
            ],
          },
        ],
      },
      {
        title: "Waiting",
        panels: [
          {
            title: "Requests queued in the activator",
            description:
              "kn.revision.request.queued: held by the activator until the revision has capacity (a cold start in progress).",
            unit: "short",
            targets: [
              {
                expr: `sum by (kn_service_name) (kn_revision_request_queued{${KN}})`,
                legend: "{{kn_service_name}}",
              },
            ],
          },
          {
            title: "Activator concurrency and queue-proxy queue depth",
            description:
              "Concurrent requests routed through the activator, and requests waiting inside the pods' queue-proxies.",
            unit: "short",
            targets: [
              {
                expr: `sum by (kn_service_name) (kn_revision_request_concurrency{${KN}})`,
                legend: "activator {{kn_service_name}}",
              },
              {
                expr: `sum by (kn_service_name) (kn_serving_queue_depth{${KN}})`,
                legend: "queue-proxy {{kn_service_name}}",
              },
            ],
          },
        ],
      },
    ],
  },
  {
    uid: "rag-pipeline",
    title: "Pipeline overview",
    file: "pipeline-overview.json",
    description:
      "Rate, errors and duration per function; ingest-to-indexed lag; Kafka lag; caches; LLM.",
    rows: [
      {
        title: "Rate, errors, duration",
        panels: [
          {
            title: "Requests per second",
            description: "http.server.request.duration count, per function and route.",
            unit: "reqps",
            targets: [
              {
                expr: `sum by (service_name, http_route) (rate(http_server_request_duration_seconds_count{${F}}[$__rate_interval]))`,
                legend: "{{service_name}} {{http_route}}",
              },
            ],
          },
          {
            title: "Error ratio",
            description:
              "faas.errors / faas.invocations per function (HTTP and Kafka-triggered alike).",
            unit: "percentunit",
            targets: [
              {
                expr: `sum by (service_name) (rate(faas_errors_total{${F}}[$__rate_interval])) / sum by (service_name) (rate(faas_invocations_total{${F}}[$__rate_interval]))`,
                legend: "{{service_name}}",
              },
            ],
          },
          {
            title: "Request duration p95",
            description: "Per function and route.",
            unit: "s",
            targets: [
              {
                expr: `histogram_quantile(0.95, sum by (le, service_name, http_route) (rate(http_server_request_duration_seconds_bucket{${F}}[$__rate_interval])))`,
                legend: "{{service_name}} {{http_route}}",
              },
            ],
          },
          {
            title: "Invocations by trigger",
            description: "faas.invocations split by faas.trigger (http, pubsub).",
            unit: "reqps",
            targets: [
              {
                expr: `sum by (service_name, faas_trigger) (rate(faas_invocations_total{${F}}[$__rate_interval]))`,
                legend: "{{service_name}} {{faas_trigger}}",
              },
            ],
          },
        ],
      },
      {
        title: "Ingest to indexed",
        panels: [
          {
            title: "Documents ingested and chunks indexed",
            description: "rag.documents.ingested and rag.chunks.indexed per second.",
            unit: "ops",
            targets: [
              {
                expr: "sum(rate(rag_documents_ingested_total[$__rate_interval]))",
                legend: "documents ingested",
              },
              {
                expr: "sum(rate(rag_chunks_indexed_total[$__rate_interval]))",
                legend: "chunks indexed",
              },
            ],
          },
          {
            title: "Indexing lag (event time to indexed) p50 / p95",
            description:
              "rag.indexing.lag: from the rag.document.stored event's time to the chunks being in the vector store.",
            unit: "s",
            targets: [0.5, 0.95].map((q) => ({
              expr: `histogram_quantile(${q}, sum by (le) (rate(rag_indexing_lag_seconds_bucket[$__rate_interval])))`,
              legend: `p${Math.round(q * 100)}`,
            })),
          },
          {
            title: "Kafka consumer lag (index-document)",
            description:
              "Messages in `documents` not yet consumed by the KafkaSource's consumer group (Kafka Exporter).",
            unit: "short",
            targets: [
              {
                expr: 'sum by (topic) (kafka_consumergroup_lag{consumergroup="knative-rag-index-document"})',
                legend: "{{topic}}",
              },
            ],
          },
          {
            title: "Dead letters per minute",
            description: "Events the KafkaSource gave up on (topic documents-dlq).",
            unit: "short",
            targets: [
              {
                expr: 'sum(rate(kafka_topic_partition_current_offset{topic="documents-dlq"}[$__rate_interval])) * 60',
                legend: "documents-dlq",
              },
            ],
          },
        ],
      },
      {
        title: "Caches and search",
        panels: [
          {
            title: "Cache hit ratio",
            description:
              "rag.cache.requests with cache.hit=true over all, per cache (embedding, search).",
            unit: "percentunit",
            targets: [
              {
                expr: 'sum by (cache_name) (rate(rag_cache_requests_total{cache_hit="true"}[$__rate_interval])) / sum by (cache_name) (rate(rag_cache_requests_total[$__rate_interval]))',
                legend: "{{cache_name}}",
              },
            ],
          },
          {
            title: "Search duration p95 by mode",
            description: "rag.search.duration per search.mode (hybrid, vector, keyword).",
            unit: "s",
            targets: [
              {
                expr: "histogram_quantile(0.95, sum by (le, search_mode) (rate(rag_search_duration_seconds_bucket[$__rate_interval])))",
                legend: "{{search_mode}}",
              },
            ],
          },
        ],
      },
      {
        title: "LLM and embeddings",
        panels: [
          {
            title: "GenAI operation duration p95",
            description: "gen_ai.client.operation.duration per operation and model.",
            unit: "s",
            targets: [
              {
                expr: "histogram_quantile(0.95, sum by (le, gen_ai_operation_name, gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_bucket[$__rate_interval])))",
                legend: "{{gen_ai_operation_name}} {{gen_ai_request_model}}",
              },
            ],
          },
          {
            title: "Tokens per second",
            description: "gen_ai.client.token.usage summed, by token type (input, output).",
            unit: "short",
            targets: [
              {
                expr: "sum by (gen_ai_token_type) (rate(gen_ai_client_token_usage_sum[$__rate_interval]))",
                legend: "{{gen_ai_token_type}}",
              },
            ],
          },
        ],
      },
    ],
  },
  {
    uid: "rag-infrastructure",
    title: "Infrastructure",
    file: "infrastructure.json",
    description: "Kafka, Redis, the object store, and the pods' CPU and memory.",
    rows: [
      {
        title: "Kafka",
        panels: [
          {
            title: "Messages in per second, by topic",
            description: "Growth of the partitions' latest offsets (Kafka Exporter).",
            unit: "ops",
            targets: [
              {
                expr: "sum by (topic) (rate(kafka_topic_partition_current_offset[$__rate_interval]))",
                legend: "{{topic}}",
              },
            ],
          },
          {
            title: "Brokers",
            description: "Brokers the exporter sees.",
            unit: "short",
            kind: "stat",
            targets: [{ expr: "max(kafka_brokers)", legend: "brokers" }],
          },
        ],
      },
      {
        title: "Redis",
        panels: [
          {
            title: "Redis memory used vs max",
            description:
              "Cache + index state; eviction only touches keys with a TTL (volatile-lru).",
            unit: "bytes",
            targets: [
              { expr: "sum(redis_memory_used_bytes)", legend: "used" },
              { expr: "sum(redis_memory_max_bytes)", legend: "max" },
            ],
          },
          {
            title: "Redis commands, hits, misses, evictions",
            description: "Per second.",
            unit: "ops",
            targets: [
              {
                expr: "sum(rate(redis_commands_processed_total[$__rate_interval]))",
                legend: "commands",
              },
              { expr: "sum(rate(redis_keyspace_hits_total[$__rate_interval]))", legend: "hits" },
              {
                expr: "sum(rate(redis_keyspace_misses_total[$__rate_interval]))",
                legend: "misses",
              },
              { expr: "sum(rate(redis_evicted_keys_total[$__rate_interval]))", legend: "evicted" },
            ],
          },
          {
            title: "Redis up and clients",
            description: "redis_up (exporter reaches Redis) and connected clients (SRH's pool).",
            unit: "short",
            targets: [
              { expr: "min(redis_up)", legend: "up" },
              { expr: "sum(redis_connected_clients)", legend: "clients" },
            ],
          },
        ],
      },
      {
        title: "Object store (MinIO)",
        panels: [
          {
            title: "S3 requests and errors per second",
            description: "By API call (PutObject from ingest, GetObject from index-document).",
            unit: "reqps",
            targets: [
              {
                expr: "sum by (api) (rate(minio_s3_requests_total[$__rate_interval]))",
                legend: "{{api}}",
              },
              {
                expr: "sum(rate(minio_s3_requests_errors_total[$__rate_interval]))",
                legend: "errors",
              },
            ],
          },
          {
            title: "Bucket size and free capacity",
            description: "Bytes stored per bucket; usable free capacity of the drive.",
            unit: "bytes",
            targets: [
              { expr: "sum by (bucket) (minio_bucket_usage_total_bytes)", legend: "{{bucket}}" },
              { expr: "max(minio_cluster_capacity_usable_free_bytes)", legend: "free" },
            ],
          },
        ],
      },
      {
        title: "Pods",
        panels: [
          {
            title: "CPU by pod (cores)",
            description: "cAdvisor via the kubelet, namespaces of the pipeline.",
            unit: "short",
            targets: [
              {
                expr: 'sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{namespace=~"knative-rag|rag-data|kafka", container!=""}[$__rate_interval]))',
                legend: "{{namespace}}/{{pod}}",
              },
            ],
          },
          {
            title: "Memory working set by pod",
            description: "cAdvisor via the kubelet.",
            unit: "bytes",
            targets: [
              {
                expr: 'sum by (namespace, pod) (container_memory_working_set_bytes{namespace=~"knative-rag|rag-data|kafka", container!=""})',
                legend: "{{namespace}}/{{pod}}",
              },
            ],
          },
        ],
      },
    ],
  },
];
