import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SearchHit } from "../../domain/chunk.ts";
import { relativeScoreFusion } from "./relative-score-fusion.ts";

const hit = (id: string, score: number): SearchHit => ({ id, document_id: id, chunk_index: 0, content: id, score, metadata: {} });

describe("relativeScoreFusion", () => {
  const vector = [hit("a", 0.9), hit("b", 0.5), hit("c", 0.1)];
  const keyword = [hit("c", 12), hit("b", 6), hit("d", 0)];

  it("is the vector ranking at alpha 1 and the keyword ranking at alpha 0", () => {
    assert.deepEqual(relativeScoreFusion(vector, keyword, 1, 2).map((h) => h.id), ["a", "b"]);
    assert.deepEqual(relativeScoreFusion(vector, keyword, 0, 2).map((h) => h.id), ["c", "b"]);
  });

  it("weighs min-max scaled scores by alpha, in [0, 1]", () => {
    const fused = relativeScoreFusion(vector, keyword, 0.5, 10);
    const byId = Object.fromEntries(fused.map((h) => [h.id, h.score]));
    assert.equal(byId.a, 0.5);
    assert.equal(byId.b, 0.5 * 0.5 + 0.5 * 0.5);
    assert.equal(byId.c, 0.5);
    assert.equal(byId.d, 0);
  });
});
