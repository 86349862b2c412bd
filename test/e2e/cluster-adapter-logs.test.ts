import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FunctionName } from "../../functions/functions.ts";
import { freePort } from "../support/free-port.ts";
import { startFunctionProcess } from "../support/function-process.ts";
import { tempDir } from "../support/temp-dir.ts";

// Each bundle on the cluster's adapters (S3, Kafka, Weaviate, Upstash, OpenAI-compatible), their
// servers unreachable: the adapters' libraries load and fail, and still every line the process
// writes, stdout and stderr, is a JSON log record (what Loki parses), Node's warnings included.
// CI runs this on the machine's Node and on the images' Node.
const unreachable = async () => `http://127.0.0.1:${await freePort()}`;

async function clusterEnv(name: FunctionName): Promise<Record<string, string>> {
  const s3 = {
    OBJECT_STORE: "s3",
    S3_ENDPOINT: await unreachable(),
    S3_ACCESS_KEY_ID: "test",
    S3_SECRET_ACCESS_KEY: "test",
    S3_TIMEOUT_MS: "300",
  };
  const weaviate = {
    VECTOR_STORE: "weaviate",
    WEAVIATE_URL: await unreachable(),
    WEAVIATE_GRPC_URL: await unreachable(),
  };
  const upstash = {
    UPSTASH_REDIS_REST_URL: await unreachable(),
    UPSTASH_REDIS_REST_TOKEN: "test",
    UPSTASH_TIMEOUT_MS: "300",
  };
  const openai = { OPENAI_BASE_URL: `${await unreachable()}/v1`, OPENAI_API_KEY: "test" };
  switch (name) {
    case "ingest":
      return {
        ...s3,
        EVENT_PUBLISHER: "kafka",
        KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
        KAFKA_PUBLISH_TIMEOUT_MS: "300",
      };
    case "index-document":
      return {
        ...s3,
        ...weaviate,
        ...upstash,
        INDEX_STATE: "upstash",
        EMBED_URL: await unreachable(),
      };
    case "embed":
      return { ...upstash, ...openai, CACHE: "upstash", EMBEDDER: "openai" };
    case "search":
      return {
        ...weaviate,
        ...upstash,
        ...openai,
        CACHE: "upstash",
        INDEX_STATE: "upstash",
        LLM: "openai",
        EMBED_URL: await unreachable(),
      };
  }
}

describe("a function on the cluster's adapters with its servers unreachable", () => {
  for (const name of ["ingest", "index-document", "embed", "search"] as const) {
    it(`${name} writes only JSON log lines from start to stop`, async () => {
      const running = await startFunctionProcess(
        name,
        {
          ...(await clusterEnv(name)),
          DATA_DIR: await tempDir(`logs-${name}`),
          OTEL_EXPORTER_OTLP_ENDPOINT: await unreachable(),
          SHUTDOWN_TIMEOUT_MS: "1000",
        },
        "listening",
      );
      try {
        // Readiness asks the dependencies it waits for (the caches only degrade).
        await (await fetch(`${running.url}/health/readiness`)).arrayBuffer();
      } finally {
        await running.stop();
      }
      const notJson = running.logs.filter((line) => {
        try {
          return typeof JSON.parse(line) !== "object";
        } catch {
          return true;
        }
      });
      assert.deepEqual(notJson, [], `${name} wrote lines that are not JSON`);
    });
  }
});
