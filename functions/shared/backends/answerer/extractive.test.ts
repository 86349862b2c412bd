import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SearchHit } from "../../domain/chunk.ts";
import { ExtractiveAnswerer } from "./extractive.ts";
import { splitSentences } from "./sentences.ts";

const source = (content: string): SearchHit => ({
  id: content,
  document_id: "d",
  chunk_index: 0,
  content,
  score: 1,
  metadata: {},
});

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

  it("prefers the sentence that answers over one that shares a common word, and skips headings", async () => {
    const answer = await answerer.answer("How does a function wake up from zero?", [
      source(
        "## Scaling a function up from zero\n\nRun up.sh to bring the cluster up. The next request wakes the function up again from zero: it reaches the activator first.",
      ),
    ]);
    assert.match(
      answer.answer,
      /The next request wakes the function up again from zero: it reaches the activator first\. \[1\]/,
    );
    assert.doesNotMatch(answer.answer, /Scaling a function/);
    assert.doesNotMatch(answer.answer, /up\.sh/);
  });

  it("prefers the better source when two sentences match alike, and never quotes a near-duplicate twice", async () => {
    const sentence = "Knative scales a revision to zero when idle.";
    const answer = await answerer.answer("does knative scale to zero", [
      source(sentence),
      source(sentence.replace("idle", "idle, by default")),
    ]);
    assert.equal(answer.answer.match(/scales a revision to zero/g)?.length, 1);
    assert.match(answer.answer, /when idle\. \[1\]/);
  });

  it("cites each sentence with the number of its own source", async () => {
    const answer = await answerer.answer("kafka partitions and weaviate vectors", [
      source("Kafka topics have partitions."),
      source("Weaviate stores vectors of objects."),
    ]);
    assert.match(
      answer.answer,
      /Kafka topics have partitions\. \[1\] Weaviate stores vectors of objects\. \[2\]/,
    );
  });
});

describe("splitSentences", () => {
  it("keeps prose and list items, skips headings, code blocks, indented code and tables", () => {
    const text = [
      "# A heading that is long",
      "",
      "First sentence is here. Second one is here!",
      "",
      "```sh",
      "curl -s http://127.0.0.1:8080/search is code",
      "```",
      "",
      "    const indented = 'code as well';",
      "",
      "| mode | meaning of it |",
      "|---|---|",
      "",
      "- a list item that is prose",
    ].join("\n");
    assert.deepEqual(splitSentences(text), [
      "First sentence is here.",
      "Second one is here!",
      "a list item that is prose",
    ]);
  });
});
