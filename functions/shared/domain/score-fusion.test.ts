import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { best, relativeScoreFusion } from "./score-fusion.ts";

describe("relativeScoreFusion", () => {
  const vector = new Map([
    ["a", 0.9],
    ["b", 0.5],
    ["c", 0.1],
  ]);
  const keyword = new Map([
    ["c", 12],
    ["b", 6],
    ["d", 3],
  ]);

  it("ranks like one side at alpha 0 or 1", () => {
    assert.deepEqual([...best(relativeScoreFusion(vector, keyword, 1), 2).keys()], ["a", "b"]);
    assert.deepEqual([...best(relativeScoreFusion(vector, keyword, 0), 2).keys()], ["c", "b"]);
  });

  it("min-max scales each side, so scores lie in [0, 1]", () => {
    const fused = relativeScoreFusion(vector, keyword, 0.5);
    assert.equal(fused.get("b"), 0.5 * 0.5 + 0.5 * (3 / 9));
    for (const score of fused.values()) assert.ok(score >= 0 && score <= 1);
  });
});
