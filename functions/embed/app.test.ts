import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { testClient } from "hono/testing";
import { silentLogger } from "../../test/support/silent-logger.ts";
import { MemoryCache } from "../shared/backends/cache/memory.ts";
import { HashingEmbedder } from "../shared/backends/embedder/hashing.ts";
import { createEmbedApp } from "./app.ts";
import { problemOf } from "../../test/support/response-bodies.ts";

describe("embed request limits", () => {
  // The defaults of main.ts: 2048 texts of up to 32000 characters, a million characters in all.
  const app = createEmbedApp({
    embedder: new HashingEmbedder(64),
    cache: new MemoryCache({ maxEntries: 10, maxBytes: 1024 * 1024 }),
    logger: silentLogger,
    cacheTtlSeconds: 60,
    maxInputs: 2048,
    maxInputChars: 32_000,
    maxRequestChars: 1_000_000,
  });
  const post = (path: string, body: string, contentType = "application/json") =>
    app.request(path, { method: "POST", headers: { "content-type": contentType }, body });

  it("refuses more characters than one request may hold with 413, before embedding them", async () => {
    const input = Array.from({ length: 40 }, () => "x ".repeat(15_000));
    for (const path of ["/embed", "/v1/embeddings"]) {
      const response = await post(path, JSON.stringify({ input }));
      assert.equal(response.status, 413, path);
      const problem = await problemOf(response);
      assert.match(problem.error, /1200000 characters in all; at most 1000000/);
    }
  });

  it("refuses a body far over the budget with 413 without parsing it", async () => {
    const response = await post("/embed", `{"input": ["${"x".repeat(8 * 1024 * 1024)}`);
    assert.equal(response.status, 413);
    const problem = await problemOf(response);
    assert.match(problem.error, /larger than \d+ bytes/);
  });

  it("embeds a request at the budget", async () => {
    const input = Array.from({ length: 40 }, () => "y ".repeat(12_500));
    const response = await testClient(app).embed.$post({ json: { input } });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).embeddings.length, 40);
  });

  it("answers 415 naming the content type for a body that is not JSON", async () => {
    for (const path of ["/embed", "/v1/embeddings"]) {
      const response = await post(path, JSON.stringify({ input: "hello" }), "text/plain");
      assert.equal(response.status, 415, path);
      const problem = await problemOf(response);
      assert.match(problem.error, /text\/plain/);
    }
  });
});
