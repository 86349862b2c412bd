import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createAnalyzer, tokenize } from "./analyzer.ts";

describe("analyzer", () => {
  const english = createAnalyzer("english");

  it("stems with Porter, so word forms meet", () => {
    assert.deepEqual(english.terms("flexibility"), english.terms("flexible"));
    assert.deepEqual(english.terms("wakes waking"), ["wake", "wake"]);
    assert.deepEqual(english.terms("Indexing indexes"), ["index", "index"]);
  });

  it("drops English stopwords and one-character tokens, keeps repeats as term frequencies", () => {
    assert.deepEqual(
      english.terms("What are the problems of a retrieval system? Retrieval e.g. x"),
      ["problem", "retriev", "system", "retriev"],
    );
  });

  it("tokenizes any script, folds case and compatibility forms, drops possessives", () => {
    assert.deepEqual(tokenize("Café ÉCOLE naïve ﬁle Knative's 東京 2026"), [
      "café",
      "école",
      "naïve",
      "file",
      "knative",
      "東京",
      "2026",
    ]);
    assert.deepEqual(tokenize("don't  stop—now"), ["dont", "stop", "now"]);
  });

  it("off: tokens and case folding only", () => {
    assert.deepEqual(createAnalyzer("off").terms("The Flexible systems"), [
      "the",
      "flexible",
      "systems",
    ]);
  });
});
