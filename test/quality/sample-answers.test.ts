import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { chunkTextSync } from "../../functions/index-document/chunker.ts";
import { ExtractiveAnswerer } from "../../functions/shared/backends/answerer/extractive.ts";
import { HashingEmbedder } from "../../functions/shared/backends/embedder/hashing.ts";
import { EmbeddedVectorStore } from "../../functions/shared/backends/vector-store/embedded.ts";
import { DEFAULT_ALPHA } from "../../functions/search/app.ts";
import { createAnalyzer } from "../../functions/shared/domain/analyzer.ts";
import type { EmbeddedChunk } from "../../functions/shared/domain/chunk.ts";
import { tempDir } from "../support/temp-dir.ts";

interface Expectation {
  question: string;
  /** The sentence of samples/ that answers it, verbatim. */
  expected: string;
}

// The offline answer on the sample corpus that `npm start` seeds, searched as search does by
// default (hybrid, top_k 5): each question's answer must quote the sentence that answers it,
// cited with the number of the source it comes from.
describe("extractive answers on samples/", () => {
  const analyzer = createAnalyzer("english");
  const embedder = new HashingEmbedder(384, analyzer);
  const answerer = new ExtractiveAnswerer(analyzer);
  let store: EmbeddedVectorStore;
  let expectations: Expectation[];

  before(async () => {
    const dir = join(import.meta.dirname, "..", "..", "samples");
    store = new EmbeddedVectorStore(await tempDir("sample-answers"), analyzer);
    for (const file of (await readdir(dir)).filter((f) => f.endsWith(".md")).sort()) {
      const text = await readFile(join(dir, file), "utf8");
      const chunks: EmbeddedChunk[] = chunkTextSync(text, { size: 800, overlap: 100 }).map(
        (content, chunk_index) => ({
          id: `${file}:${chunk_index}`,
          document_id: file,
          namespace: "default",
          chunk_index,
          content,
          metadata: { title: file },
          vector: embedder.embedOne(content),
        }),
      );
      await store.replaceDocument("default", file, chunks);
    }
    expectations = JSON.parse(
      await readFile(join(import.meta.dirname, "sample-questions.json"), "utf8"),
    ) as Expectation[];
  });

  it("quotes the answering sentence for every question, with its exact source number", async () => {
    const misses: string[] = [];
    for (const { question, expected } of expectations) {
      const sources = await store.search({
        namespace: "default",
        mode: "hybrid",
        text: question,
        vector: embedder.embedOne(question),
        topK: 5,
        alpha: DEFAULT_ALPHA,
        chunksPerDocument: 1,
      });
      const { answer } = await answerer.answer(question, sources);
      const quoted = new RegExp(
        `${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\[(\\d)\\]`,
      ).exec(answer);
      if (!quoted) {
        misses.push(`${question}\n  expected: ${expected}\n  got: ${answer}`);
        continue;
      }
      assert.ok(
        sources[Number(quoted[1]) - 1]!.content.replace(/\s+/g, " ").includes(expected),
        `citation [${quoted[1]}] for "${expected}" is not its source`,
      );
    }
    assert.deepEqual(misses, [], misses.join("\n"));
  });
});
