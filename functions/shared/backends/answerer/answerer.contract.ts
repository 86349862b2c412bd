import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SearchHit } from "../../domain/chunk.ts";
import type { Answerer } from "./answerer.ts";

const hit = (n: number, content: string): SearchHit => ({
  id: `id-${n}`,
  document_id: `doc-${n}`,
  chunk_index: 0,
  content,
  score: 1 / n,
  metadata: { title: `Doc ${n}` },
});

/** What every Answerer must do, run against each adapter. */
export function answererContract(adapter: string, open: () => Promise<Answerer>): void {
  describe(`Answerer contract: ${adapter}`, () => {
    let answerer: Answerer;
    before(async () => {
      answerer = await open();
    });
    after(() => answerer?.close());

    it("answers from the sources and cites them by number", async () => {
      const sources = [
        hit(1, "Weaviate is a vector database. It answers hybrid queries."),
        hit(
          2,
          "Knative Serving scales a revision to zero pods when idle. The activator buffers requests.",
        ),
      ];
      const answer = await answerer.answer("How does Knative scale to zero pods?", sources);
      const citations = [...answer.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
      assert.ok(citations.length > 0, `no citation in: ${answer.answer}`);
      assert.ok(
        citations.every((n) => n >= 1 && n <= sources.length),
        `citation out of range in: ${answer.answer}`,
      );
      assert.ok(citations.includes(2), `the Knative source is not cited in: ${answer.answer}`);
      assert.ok(answer.model.length > 0);
    });

    it("says so when there is nothing to answer from, without citing", async () => {
      const answer = await answerer.answer("What is the capital of Mars?", []);
      assert.ok(answer.answer.length > 0);
      assert.doesNotMatch(answer.answer, /\[\d+\]/);
    });
  });
}
