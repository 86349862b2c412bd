import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SearchHit } from "../../domain/chunk.ts";
import { ExtractiveAnswerer, splitSentences } from "./extractive.ts";

const source = (content: string): SearchHit => ({ id: content, document_id: "d", chunk_index: 0, content, score: 1, metadata: {} });

describe("ExtractiveAnswerer", () => {
  const answerer = new ExtractiveAnswerer();

  it("quotes the sentences that share the most query words and cites their sources", async () => {
    const answer = await answerer.answer("How does a revision wake up from zero?", [
      source("Bananas are yellow. The next request wakes the revision up from zero."),
      source("Pods are scheduled on nodes. Images are pulled first."),
    ]);
    assert.equal(answer.kind, "extractive");
    assert.match(answer.answer, /^Extractive answer/);
    assert.match(answer.answer, /The next request wakes the revision up from zero\. \[1\]/);
    assert.doesNotMatch(answer.answer, /Bananas/);
  });

  it("says so when there is no source", async () => {
    assert.match((await answerer.answer("anything", [])).answer, /No indexed document/);
  });

  it("splits markdown into sentences without headings markers", () => {
    assert.deepEqual(splitSentences("# A heading that is long\n\nFirst sentence is here. Second one is here!"), ["A heading that is long", "First sentence is here.", "Second one is here!"]);
  });
});
