import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Bm25Index, chunkKeywordScore } from "./bm25.ts";

describe("Bm25Index (Lucene BM25)", () => {
  const index = new Bm25Index({ k1: 1.2, b: 0.75 });
  index.add(["kafka", "topic", "partit"]); // 0
  index.add(["kafka", "kafka", "consum", "group", "partit", "offset"]); // 1
  index.add(["weaviat", "vector"]); // 2

  it("scores like Lucene's BM25Similarity", () => {
    // N = 3, avgdl = 11/3; "kafka": df 2 → idf = ln(1 + 1.5/2.5); in entry 1: tf 2, dl 6.
    const idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
    const expected = (idf * 2) / (2 + 1.2 * (1 - 0.75 + (0.75 * 6) / (11 / 3)));
    assert.ok(Math.abs(index.scoreAll(["kafka"]).get(1)! - expected) < 1e-12);
    assert.ok(Math.abs(index.idf("kafka") - idf) < 1e-12);
  });

  it("ranks by rarity and frequency; entries without a query term are absent", () => {
    const ranked = (terms: string[]) =>
      [...index.scoreAll(terms)].sort((x, y) => y[1] - x[1]).map(([entry]) => entry);
    assert.deepEqual(ranked(["kafka", "offset"]), [1, 0]);
    assert.deepEqual(ranked(["unknown"]), []);
  });

  it("counts a repeated query term per occurrence, and weighted terms by their weight", () => {
    const once = index.scoreAll(["vector"]).get(2)!;
    assert.ok(Math.abs(index.scoreAll(["vector", "vector"]).get(2)! - 2 * once) < 1e-12);
    assert.ok(Math.abs(index.scoreWeighted(new Map([["vector", 0.5]])).get(2)! - once / 2) < 1e-12);
  });

  it("is never negative, even for a term in every entry", () => {
    const all = new Bm25Index();
    all.add(["common"]);
    all.add(["common"]);
    assert.ok(all.scoreAll(["common"]).get(0)! > 0);
  });
});

describe("chunkKeywordScore", () => {
  it("sums each matched query term's weight times BM25's saturation of its frequency", () => {
    const weights = new Map([
      ["kafka", 1],
      ["topic", 0.5],
      ["absent", 3],
    ]);
    const expected = (1 * 2) / (2 + 1.2) + (0.5 * 1) / (1 + 1.2);
    assert.ok(Math.abs(chunkKeywordScore("kafka topic kafka partit", weights) - expected) < 1e-12);
    assert.equal(chunkKeywordScore("weaviat vector", weights), 0);
  });
});
