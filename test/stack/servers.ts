// The real servers the stack tests run against, each on loopback with a free port and a temp dir.
// Every start*() waits until its server really serves, prints what it started and how long it took,
// and kills it (process group and all) when this process exits. See README.md.
export { startKafka, type KafkaOptions, type KafkaServer } from "./kafka.ts";
export { startWeaviate, type WeaviateOptions, type WeaviateServer } from "./weaviate.ts";
export { startRedis, type RedisOptions, type RedisServer } from "./redis.ts";
export {
  startUpstashRestShim,
  type UpstashRestShim,
  type UpstashRestShimOptions,
} from "./upstash-rest-shim.ts";
export { startS3, type S3Options, type S3Server } from "./s3.ts";
export { startPrometheus, type PrometheusOptions, type PrometheusServer } from "./prometheus.ts";
export { startOtelCollector, type OtelCollector, type OtelCollectorOptions } from "./otelcol.ts";
