import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Embedder } from "./embedder.ts";

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

/** What every Embedder must do, run against each adapter. */
export function embedderContract(adapter: string, open: () => Promise<Embedder>): void {
  describe(`Embedder contract: ${adapter}`, () => {
    let embedder: Embedder;
    before(async () => {
      embedder = await open();
    });
    after(() => embedder?.close());

    it("returns one unit vector of the configured size per text, in input order", async () => {
      const texts = [
        "Kafka topics have partitions.",
        "Weaviate stores vectors.",
        "Knative scales to zero.",
      ];
      const vectors = await embedder.embed(texts);
      assert.equal(vectors.length, 3);
      for (const vector of vectors) {
        assert.equal(vector.length, embedder.dimensions);
        assert.ok(Math.abs(cosine(vector, vector) - 1) < 1e-3);
      }
      const [alone] = await embedder.embed([texts[1]!]);
      assert.ok(
        cosine(alone!, vectors[1]!) > 0.999,
        "same text, same vector, wherever it is in the batch",
      );
    });

    it("puts related texts closer than unrelated ones", async () => {
      const [query, related, unrelated] = await embedder.embed([
        "kafka partitions",
        "Kafka topics have partitions.",
        "Bread needs flour and yeast.",
      ]);
      assert.ok(cosine(query!, related!) > cosine(query!, unrelated!));
    });

    it("names its provider and model for the gen_ai.* attributes", () => {
      assert.ok(embedder.provider.length > 0 && embedder.model.length > 0);
    });
  });
}
