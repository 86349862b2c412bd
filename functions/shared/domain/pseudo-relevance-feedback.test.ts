import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expandQuery } from "./pseudo-relevance-feedback.ts";

describe("expandQuery (RM3-style feedback)", () => {
  it("keeps the query's share and adds the feedback documents' frequent terms", () => {
    const weights = expandQuery(
      ["retriev"],
      [
        { terms: ["retriev", "index", "index", "search"], score: 2 },
        { terms: ["index", "retriev"], score: 1 },
      ],
      { documents: 5, terms: 2, weight: 0.3 },
    );
    assert.deepEqual([...weights.keys()].sort(), ["index", "retriev"]);
    const total = [...weights.values()].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-12);
    assert.ok(weights.get("index")! > 0 && weights.get("retriev")! > 0.7);
  });

  it("leaves the query alone without feedback", () => {
    assert.deepEqual(
      expandQuery(["a", "b"], []),
      new Map([
        ["a", 0.35],
        ["b", 0.35],
      ]),
    );
  });
});
