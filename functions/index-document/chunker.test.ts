import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chunkText } from "./chunker.ts";

describe("chunkText", () => {
  it("keeps a short text as one chunk", () => {
    assert.deepEqual(chunkText("  Hello world.  ", { size: 800, overlap: 100 }), ["Hello world."]);
  });

  it("returns no chunk for blank text", () => {
    assert.deepEqual(chunkText(" \n\n ", { size: 800, overlap: 100 }), []);
  });

  it("splits on paragraphs first and never exceeds the size", () => {
    const paragraphs = Array.from({ length: 10 }, (_, i) => `Paragraph ${i} ` + "word ".repeat(30).trim() + ".");
    const chunks = chunkText(paragraphs.join("\n\n"), { size: 400, overlap: 50 });
    assert.ok(chunks.length > 2);
    for (const chunk of chunks) assert.ok(chunk.length <= 400, `chunk of ${chunk.length} chars`);
    assert.ok(chunks[0]!.startsWith("Paragraph 0"));
  });

  it("carries overlap from the previous chunk, cut at a word boundary", () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} ends here.`).join(" ");
    const chunks = chunkText(sentences, { size: 200, overlap: 60 });
    for (let i = 1; i < chunks.length; i++) {
      const previousEnd = chunks[i - 1]!.slice(-30);
      assert.ok(chunks[i]!.includes(previousEnd.split(" ").slice(-2).join(" ")), `chunk ${i} lacks overlap`);
    }
  });

  it("covers every word of the input", () => {
    const text = Array.from({ length: 300 }, (_, i) => `w${i}`).join(" ");
    const chunks = chunkText(text, { size: 120, overlap: 20 });
    const seen = new Set(chunks.flatMap((c) => c.split(/\s+/)));
    for (let i = 0; i < 300; i++) assert.ok(seen.has(`w${i}`), `w${i} missing`);
  });

  it("hard-splits a single very long token", () => {
    const chunks = chunkText("x".repeat(1000), { size: 300, overlap: 0 });
    assert.equal(chunks.join(""), "x".repeat(1000));
    assert.ok(chunks.every((c) => c.length <= 300));
  });

  it("rejects overlap not smaller than size", () => {
    assert.throws(() => chunkText("abc", { size: 100, overlap: 100 }), /overlap/);
  });
});
