import { metrics, type Counter, type Histogram } from "@opentelemetry/api";

/**
 * Every metric the functions emit: names, units and buckets are a contract with the
 * dashboards and alert rules, so they live in this one place. OpenTelemetry names; a
 * Prometheus backend sees e.g. `http_server_request_duration_seconds` and `faas_invocations_total`.
 */
export interface Instruments {
  httpServerDuration: Histogram;
  invocations: Counter;
  corruptFiles: Counter;
  errors: Counter;
  coldstarts: Counter;
  initDuration: Histogram;
  documentsIngested: Counter;
  chunksIndexed: Counter;
  indexingLag: Histogram;
  cacheRequests: Counter;
  searchDuration: Histogram;
  genAiDuration: Histogram;
  genAiTokens: Histogram;
}

// Bucket boundaries advised by the semantic conventions where they give any.
const HTTP_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const GEN_AI_SECONDS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const GEN_AI_TOKENS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const INIT_SECONDS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30];
const LAG_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

let instruments: Instruments | undefined;

/**
 * The instruments, created on first use: the metrics API has no proxy provider, so creating
 * them before telemetry/register.ts installed the SDK would keep no-ops forever.
 */
export function getInstruments(): Instruments {
  if (instruments) return instruments;
  const meter = metrics.getMeter("knative-rag");
  const seconds = (name: string, description: string, buckets: number[]) =>
    meter.createHistogram(name, {
      unit: "s",
      description,
      advice: { explicitBucketBoundaries: buckets },
    });
  instruments = {
    httpServerDuration: seconds(
      "http.server.request.duration",
      "Duration of HTTP server requests.",
      HTTP_SECONDS,
    ),
    invocations: meter.createCounter("faas.invocations", {
      unit: "{invocation}",
      description: "Number of invocations of the function.",
    }),
    errors: meter.createCounter("faas.errors", {
      unit: "{error}",
      description: "Number of invocations that failed with a server error (5xx).",
    }),
    coldstarts: meter.createCounter("faas.coldstarts", {
      unit: "{coldstart}",
      description: "Number of invocations that were the first of their process.",
    }),
    initDuration: seconds(
      "faas.init_duration",
      "Time from process start to ready to serve.",
      INIT_SECONDS,
    ),
    documentsIngested: meter.createCounter("rag.documents.ingested", {
      unit: "{document}",
      description: "Documents accepted by ingest (duplicates excluded).",
    }),
    chunksIndexed: meter.createCounter("rag.chunks.indexed", {
      unit: "{chunk}",
      description: "Chunks written to the vector store.",
    }),
    corruptFiles: meter.createCounter("rag.storage.corrupt_files", {
      unit: "{file}",
      description: "Stored files set aside because they could not be read, by store.",
    }),
    indexingLag: seconds(
      "rag.indexing.lag",
      "Time from a document's stored event to its chunks being indexed.",
      LAG_SECONDS,
    ),
    cacheRequests: meter.createCounter("rag.cache.requests", {
      unit: "{request}",
      description: "Cache lookups by cache and outcome.",
    }),
    searchDuration: seconds("rag.search.duration", "Duration of a search, by mode.", HTTP_SECONDS),
    genAiDuration: seconds(
      "gen_ai.client.operation.duration",
      "Duration of generative AI operations (embeddings, chat).",
      GEN_AI_SECONDS,
    ),
    genAiTokens: meter.createHistogram("gen_ai.client.token.usage", {
      unit: "{token}",
      description: "Tokens used by generative AI operations.",
      advice: { explicitBucketBoundaries: GEN_AI_TOKENS },
    }),
  };
  return instruments;
}
