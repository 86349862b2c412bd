import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { packageRoot } from "../../cli/package-root.ts";

// Selecting a real adapter without its connection settings stops the bundle at start-up, naming the
// variable, before it listens: a misconfigured revision never becomes ready.
const cases: [fn: string, env: Record<string, string>, expected: RegExp][] = [
  [
    "ingest",
    { EVENT_PUBLISHER: "kafka" },
    /KAFKA_BROKERS=\(unset\): required when EVENT_PUBLISHER=kafka/,
  ],
  [
    "ingest",
    { EVENT_PUBLISHER: "kafka", KAFKA_BROKERS: "broker-without-port" },
    /KAFKA_BROKERS="broker-without-port": entry 0: expected a comma-separated list of host:port/,
  ],
  ["ingest", { EVENT_TRANSPORT: "kafka" }, /EVENT_TRANSPORT="kafka": renamed: set EVENT_PUBLISHER/],
  [
    "index-document",
    { EVENT_TRANSPORT: "kafka", EMBED_URL: "http://127.0.0.1:1" },
    /EVENT_TRANSPORT="kafka": renamed: set EVENT_DELIVERY/,
  ],
  [
    "index-document",
    { VECTOR_STORE: "weaviate", EMBED_URL: "http://127.0.0.1:1" },
    /WEAVIATE_URL=\(unset\): required when VECTOR_STORE=weaviate/,
  ],
  [
    "index-document",
    {
      VECTOR_STORE: "weaviate",
      WEAVIATE_URL: "http://127.0.0.1:1",
      EMBED_URL: "http://127.0.0.1:1",
    },
    /WEAVIATE_GRPC_URL=\(unset\)/,
  ],
  [
    "search",
    { CACHE: "upstash", EMBED_URL: "http://127.0.0.1:1" },
    /UPSTASH_REDIS_REST_URL=\(unset\): required when CACHE=upstash/,
  ],
  [
    "search",
    { INDEX_STATE: "upstash", EMBED_URL: "http://127.0.0.1:1" },
    /UPSTASH_REDIS_REST_URL=\(unset\): required when INDEX_STATE=upstash/,
  ],
  [
    "index-document",
    { INDEX_STATE: "redis", EMBED_URL: "http://127.0.0.1:1" },
    /INDEX_STATE="redis": Invalid option: expected one of "file"\|"upstash"/,
  ],
  [
    "embed",
    { EMBEDDER: "openai" },
    /OPENAI_API_KEY=\(unset\): required when EMBEDDER=openai without OPENAI_BASE_URL/,
  ],
  [
    "search",
    { LLM: "openai", EMBED_URL: "http://127.0.0.1:1" },
    /OPENAI_API_KEY=\(unset\): required when LLM=openai without OPENAI_BASE_URL/,
  ],
  [
    "search",
    { LLM: "openai", LLM_MAX_TOKENS: "0", EMBED_URL: "http://127.0.0.1:1" },
    /LLM_MAX_TOKENS=.*: Too small/,
  ],
];

describe("real adapters without their settings", () => {
  for (const [fn, env, expected] of cases) {
    const bundle = join(packageRoot(), "dist", fn, "index.mjs");
    it(`${fn} with ${Object.keys(env).join(", ")} exits 1 naming the missing setting`, {
      skip: !existsSync(bundle) && "dist/ absent: run node scripts/build.mjs",
    }, () => {
      const result = spawnSync(process.execPath, [bundle], {
        env: {
          PATH: process.env.PATH,
          PORT: "0",
          OBSERVABILITY_ENABLED: "false",
          DATA_DIR: join(packageRoot(), ".data", "settings-test"),
          ...env,
        },
        encoding: "utf8",
        timeout: 15_000,
      });
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, expected);
    });
  }
});
