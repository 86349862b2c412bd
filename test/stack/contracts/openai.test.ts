import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { answererContract } from "../../../functions/shared/backends/answerer/answerer.contract.ts";
import { OpenAiAnswerer } from "../../../functions/shared/backends/answerer/openai.ts";
import { embedderContract } from "../../../functions/shared/backends/embedder/embedder.contract.ts";
import { OpenAiEmbedder } from "../../../functions/shared/backends/embedder/openai.ts";
import { openAiClientFromConfig } from "../../../functions/shared/backends/openai/client.ts";
import { startOpenAiCompatibleServer } from "../openai-compatible-server.ts";

const server = await startOpenAiCompatibleServer();
after(() => server.stop());
const client = (overrides: { OPENAI_TIMEOUT_MS?: number; OPENAI_MAX_RETRIES?: number } = {}) =>
  openAiClientFromConfig(
    {
      OPENAI_BASE_URL: server.baseUrl,
      OPENAI_API_KEY: server.apiKey,
      OPENAI_TIMEOUT_MS: 5000,
      OPENAI_MAX_RETRIES: 3,
      ...overrides,
    },
    "test",
  );

embedderContract(
  "openai (OpenAI-compatible server)",
  async () => new OpenAiEmbedder(client(), "text-embedding-3-small", 256, true),
);
answererContract(
  "openai (OpenAI-compatible server)",
  async () => new OpenAiAnswerer(client(), "gpt-4o-mini", 256),
);

describe("OpenAI adapters when the server pushes back", () => {
  it("retry a 429 after its Retry-After and succeed on the 200", async () => {
    const embedder = new OpenAiEmbedder(client(), "text-embedding-3-small", 64, true);
    const before = server.requests.length;
    server.failNext(2, { status: 429, retryAfterSeconds: 1 });
    const began = performance.now();
    const [vector] = await embedder.embed(["rate limited, then fine"]);
    const tookMs = performance.now() - began;
    assert.equal(vector!.length, 64);
    assert.deepEqual(
      server.requests.slice(before).map((r) => r.status),
      [429, 429, 200],
    );
    assert.ok(tookMs >= 1900, `waited only ${Math.round(tookMs)} ms: Retry-After ignored`);
  });

  it("give up after OPENAI_MAX_RETRIES on a lasting 5xx, with the status in the error", async () => {
    const answerer = new OpenAiAnswerer(client({ OPENAI_MAX_RETRIES: 1 }), "gpt-4o-mini", 256);
    const before = server.requests.length;
    server.failNext(5, { status: 503, retryAfterSeconds: 0 });
    await assert.rejects(
      answerer.answer("q?", [
        { id: "1", document_id: "d", chunk_index: 0, content: "q", score: 1, metadata: {} },
      ]),
      /503/,
    );
    assert.equal(server.requests.length - before, 2);
    server.failNext(0);
  });

  it("time out a request that takes longer than OPENAI_TIMEOUT_MS", async () => {
    const embedder = new OpenAiEmbedder(
      client({ OPENAI_TIMEOUT_MS: 300, OPENAI_MAX_RETRIES: 0 }),
      "text-embedding-3-small",
      64,
      true,
    );
    server.stallNext(1, 3000);
    const began = performance.now();
    await assert.rejects(embedder.embed(["slow"]), /timed out/i);
    assert.ok(performance.now() - began < 2000);
  });

  it("report token usage of a chat completion", async () => {
    const answer = await new OpenAiAnswerer(client(), "gpt-4o-mini", 256).answer(
      "How do topics work?",
      [
        {
          id: "1",
          document_id: "kafka",
          chunk_index: 0,
          content: "Kafka topics have partitions.",
          score: 1,
          metadata: { title: "Kafka" },
        },
      ],
    );
    assert.ok(answer.usage && answer.usage.input_tokens > 0 && answer.usage.output_tokens > 0);
    assert.equal(answer.kind, "generative");
  });
});
