import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loopTurnsDuring } from "../../../../test/support/event-loop.ts";
import { HashingEmbedder } from "./hashing.ts";

const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe("HashingEmbedder", () => {
  const embedder = new HashingEmbedder(384);

  it("is deterministic and L2-normalised", async () => {
    const [a, b] = await embedder.embed(["Knative scales to zero", "Knative scales to zero"]);
    assert.deepEqual(a, b);
    assert.equal(a!.length, 384);
    assert.ok(Math.abs(Math.hypot(...a!) - 1) < 1e-9);
  });

  it("puts texts that share words closer than unrelated texts", async () => {
    const [query, related, unrelated] = await embedder.embed([
      "cold start latency of a function",
      "The cold start latency is the time until the function answers",
      "Bananas are yellow fruit rich in potassium",
    ]);
    assert.ok(cosine(query!, related!) > cosine(query!, unrelated!) + 0.2);
  });

  it("embeds text without words as the zero vector", async () => {
    const [empty] = await embedder.embed(["!!!"]);
    assert.ok(empty!.every((v) => v === 0));
  });

  it("lets the event loop run between slices of a large request (probes are not starved)", async () => {
    const texts = Array.from({ length: 100 }, (_, i) =>
      `document ${i} about scaling functions to zero `.repeat(200),
    );
    const { result, turns } = await loopTurnsDuring(() => embedder.embed(texts));
    assert.equal(result.length, 100);
    assert.ok(
      turns >= 10,
      `the event loop got ${turns} turns while ${texts.length * texts[0]!.length} characters were embedded`,
    );
  });
});
