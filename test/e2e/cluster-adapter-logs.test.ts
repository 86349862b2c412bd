import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { packageRoot } from "../../cli/package-root.ts";
import type { FunctionName } from "../../functions/functions.ts";
import { freePort } from "../support/free-port.ts";
import { tempDir } from "../support/temp-dir.ts";
import { waitFor } from "../support/wait-for.ts";

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
      const port = await freePort();
      const child = spawn(process.execPath, [join(packageRoot(), "dist", name, "index.mjs")], {
        env: {
          ...process.env,
          ...(await clusterEnv(name)),
          DATA_DIR: await tempDir(`logs-${name}`),
          PORT: String(port),
          OTEL_EXPORTER_OTLP_ENDPOINT: await unreachable(),
          SHUTDOWN_TIMEOUT_MS: "1000",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const lines: string[] = [];
      for (const stream of [child.stdout, child.stderr])
        createInterface({ input: stream }).on("line", (line) => lines.push(line));
      const exited = once(child, "exit");
      try {
        await waitFor(`${name} to listen`, () => {
          if (child.exitCode !== null)
            throw new Error(`${name} exited with ${child.exitCode}:\n${lines.join("\n")}`);
          return lines.some((line) => line.includes('"listening"')) || undefined;
        });
        // Readiness asks the dependencies it waits for (the caches only degrade).
        await (await fetch(`http://127.0.0.1:${port}/health/readiness`)).arrayBuffer();
      } finally {
        child.kill("SIGTERM");
        await exited;
      }
      const notJson = lines.filter((line) => {
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
