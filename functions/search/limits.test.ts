import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stringifyEscaped } from "../../test/support/json-escape.ts";
import { silentLogger } from "../../test/support/silent-logger.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { ExtractiveAnswerer } from "../shared/backends/answerer/extractive.ts";
import { MemoryCache } from "../shared/backends/cache/memory.ts";
import { HashingEmbedder } from "../shared/backends/embedder/hashing.ts";
import { FileIndexState } from "../shared/backends/index-state/file.ts";
import { EmbeddedVectorStore } from "../shared/backends/vector-store/embedded.ts";
import { createSearchApp } from "./app.ts";
import { inProcessEmbedClient } from "../../test/support/in-process-embed-client.ts";
import { problemOf } from "../../test/support/response-bodies.ts";

// The documented limit is 2048 characters of query, however the JSON on the wire spells them.
describe("search request limits", async () => {
  const dataDir = await tempDir("search-limits");
  const embedder = new HashingEmbedder(64);
  const app = createSearchApp({
    vectorStore: new EmbeddedVectorStore(dataDir),
    indexState: new FileIndexState(dataDir),
    cache: new MemoryCache({ maxEntries: 10, maxBytes: 1024 * 1024 }),
    answerer: new ExtractiveAnswerer(),
    embedClient: inProcessEmbedClient(embedder),
    logger: silentLogger,
    cacheTtlSeconds: 60,
    maxQueryChars: 2048,
  });
  const post = (body: string, contentType = "application/json") =>
    app.request("/search", { method: "POST", headers: { "content-type": contentType }, body });

  it("accepts a 2048-character query sent as \\u-escaped JSON", async () => {
    const response = await post(
      stringifyEscaped({ query: "é".repeat(2048), namespace: "default", mode: "keyword" }),
    );
    assert.equal(response.status, 200, await response.clone().text());
  });

  it("answers 400 naming the limit for 2049 characters, escaped or not", async () => {
    for (const body of [
      JSON.stringify({ query: "q".repeat(2049) }),
      stringifyEscaped({ query: "q".repeat(2049) }),
    ]) {
      const response = await post(body);
      assert.equal(response.status, 400);
      const problem = await problemOf(response);
      assert.match(problem.error, /at most 2048 characters/);
    }
  });

  it("answers 415 naming the content type for a body that is not JSON", async () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/cloudevents+json",
    ]) {
      const response = await post(JSON.stringify({ query: "scaling" }), type);
      assert.equal(response.status, 415, type);
      const problem = await problemOf(response);
      assert.match(problem.error, new RegExp(type.replace("+", "\\+")));
    }
  });
});
