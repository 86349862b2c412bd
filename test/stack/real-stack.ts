import assert from "node:assert/strict";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import type { IngestAccepted } from "../../functions/ingest/app.ts";
import type { NamespacesResponse, SearchResponse } from "../../functions/search/responses.ts";
import { waitFor } from "../support/wait-for.ts";
import { freePorts } from "../support/free-port.ts";
import { tempDir } from "../support/temp-dir.ts";
import { startKafkaRelayProcess, type RelayProcess } from "./kafka-relay-process.ts";
import {
  startOpenAiCompatibleServer,
  type OpenAiCompatibleServer,
} from "./openai-compatible-server.ts";
import {
  startKafka,
  startRedis,
  startS3,
  startUpstashRestShim,
  startWeaviate,
  type KafkaServer,
  type RedisServer,
  type S3Server,
  type UpstashRestShim,
  type WeaviateServer,
} from "./servers.ts";

export interface RealStackOptions {
  /** Where the functions send OTLP. */
  otlpEndpoint: string;
  /** The dev relay's settings beside its broker and sink (RELAY_RETRY, RELAY_BACKOFF_DELAY_MS, …). */
  relay: Record<string, string>;
  /** S3 keeps its objects across a restart (see startS3). */
  persistentS3?: boolean;
}

/** The real servers, the four bundles on them as four processes, and the dev relay as the KafkaSource. */
export interface RealStack {
  kafka: KafkaServer;
  weaviate: WeaviateServer;
  s3: S3Server;
  redis: RedisServer;
  upstash: UpstashRestShim;
  openai: OpenAiCompatibleServer;
  functions: LocalStack;
  relay: RelayProcess;
  /** Every function's log lines so far. */
  logs: string[];
  postJson(url: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  ingest(body: unknown): Promise<IngestAccepted>;
  search(body: Record<string, unknown>): Promise<SearchResponse>;
  namespaceStats(
    namespace: string,
  ): Promise<{ namespace: string; documents: number; chunks: number } | undefined>;
  searchable(
    documentId: string,
    namespace: string,
    query: string,
    timeoutMs?: number,
  ): Promise<true>;
  stop(): Promise<void>;
}

/** The functions' settings for the real servers: the adapters the cluster selects. */
export function clusterEnv(
  servers: Pick<RealStack, "kafka" | "weaviate" | "s3" | "upstash" | "openai">,
): Record<string, string> {
  const { kafka, weaviate, s3, upstash, openai } = servers;
  return {
    OBJECT_STORE: "s3",
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    EVENT_PUBLISHER: "kafka",
    EVENT_DELIVERY: "kafka",
    KAFKA_BROKERS: kafka.brokers.join(","),
    KAFKA_PUBLISH_TIMEOUT_MS: "5000",
    VECTOR_STORE: "weaviate",
    WEAVIATE_URL: weaviate.httpUrl,
    WEAVIATE_GRPC_URL: `http://${weaviate.grpcHost}:${weaviate.grpcPort}`,
    WEAVIATE_TIMEOUT_SECONDS: "3",
    CACHE: "upstash",
    INDEX_STATE: "upstash",
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: upstash.token,
    EMBEDDER: "openai",
    EMBEDDING_DIMENSIONS: "256",
    LLM: "openai",
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_MAX_RETRIES: "3",
  };
}

export async function startRealStack(options: RealStackOptions): Promise<RealStack> {
  const began = performance.now();
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const redis = await startRedis();
    cleanups.push(() => redis.cleanup());
    const [kafka, weaviate, s3, openai] = await Promise.all([
      startKafka(),
      startWeaviate(),
      startS3({ persistent: options.persistentS3 }),
      startOpenAiCompatibleServer(),
    ]);
    cleanups.push(
      () => openai.stop(),
      () => kafka.cleanup(),
      () => weaviate.cleanup(),
      () => s3.cleanup(),
    );
    const upstash = await startUpstashRestShim({ redisUrl: redis.url });
    cleanups.push(() => upstash.stop());
    const dataDir = await tempDir("real-stack");
    const env = {
      LOG_LEVEL: "info",
      OTEL_BSP_SCHEDULE_DELAY: "100",
      ...clusterEnv({ kafka, weaviate, s3, upstash, openai }),
    };
    const logs: string[] = [];
    const functions = await startLocalStack({
      ports: await freePorts(FUNCTION_NAMES),
      dataDir,
      env,
      otlpEndpoint: options.otlpEndpoint,
      onLog: (_n, line) => logs.push(line),
    });
    cleanups.push(() => functions.stop());
    const relay = await startKafkaRelayProcess({
      KAFKA_BROKERS: kafka.brokers.join(","),
      RELAY_SINK: `${functions.urls["index-document"]}/`,
      ...options.relay,
    });
    cleanups.push(() => relay.stop());
    console.log(
      `real stack and functions up in ${((performance.now() - began) / 1000).toFixed(1)}s`,
    );

    const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    const search = async (body: Record<string, unknown>) => {
      const response = await postJson(`${functions.urls.search}/search`, body);
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as SearchResponse;
    };
    return {
      kafka,
      weaviate,
      s3,
      redis,
      upstash,
      openai,
      functions,
      relay,
      logs,
      postJson,
      search,
      async ingest(body) {
        const response = await postJson(`${functions.urls.ingest}/ingest`, body);
        assert.equal(response.status, 202, await response.clone().text());
        return (await response.json()) as IngestAccepted;
      },
      async namespaceStats(namespace) {
        const { namespaces } = (await (
          await fetch(`${functions.urls.search}/namespaces`)
        ).json()) as NamespacesResponse;
        return namespaces.find((n) => n.namespace === namespace);
      },
      searchable: (documentId, namespace, query, timeoutMs = 30_000) =>
        waitFor(
          `${documentId} to be searchable`,
          async () =>
            (await search({ query, namespace, mode: "keyword", top_k: 10 })).sources.some(
              (s) => s.document_id === documentId,
            ) || undefined,
          timeoutMs,
        ),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
