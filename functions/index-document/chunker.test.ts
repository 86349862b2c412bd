import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loopTurnsDuring } from "../../test/support/event-loop.ts";
import { chunkText } from "./chunker.ts";

describe("chunkText", () => {
  it("keeps a short text as one chunk", async () => {
    assert.deepEqual(await chunkText("  Hello world.  ", { size: 800, overlap: 100 }), [
      "Hello world.",
    ]);
  });

  it("returns no chunk for blank text", async () => {
    assert.deepEqual(await chunkText(" \n\n ", { size: 800, overlap: 100 }), []);
  });

  it("splits on paragraphs first and never exceeds the size", async () => {
    const paragraphs = Array.from(
      { length: 10 },
      (_, i) => `Paragraph ${i} ${"word ".repeat(30).trim()}.`,
    );
    const chunks = await chunkText(paragraphs.join("\n\n"), { size: 400, overlap: 50 });
    assert.ok(chunks.length > 2);
    for (const chunk of chunks) assert.ok(chunk.length <= 400, `chunk of ${chunk.length} chars`);
    assert.ok(chunks[0]!.startsWith("Paragraph 0"));
  });

  it("carries overlap from the previous chunk, cut at a word boundary", async () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} ends here.`).join(
      " ",
    );
    const chunks = await chunkText(sentences, { size: 200, overlap: 60 });
    for (let i = 1; i < chunks.length; i++) {
      const previousEnd = chunks[i - 1]!.slice(-30);
      assert.ok(
        chunks[i]!.includes(previousEnd.split(" ").slice(-2).join(" ")),
        `chunk ${i} lacks overlap`,
      );
    }
  });

  it("covers every word of the input", async () => {
    const text = Array.from({ length: 300 }, (_, i) => `w${i}`).join(" ");
    const chunks = await chunkText(text, { size: 120, overlap: 20 });
    const seen = new Set(chunks.flatMap((c) => c.split(/\s+/)));
    for (let i = 0; i < 300; i++) assert.ok(seen.has(`w${i}`), `w${i} missing`);
  });

  it("hard-splits a single very long token", async () => {
    const chunks = await chunkText("x".repeat(1000), { size: 300, overlap: 0 });
    assert.equal(chunks.join(""), "x".repeat(1000));
    assert.ok(chunks.every((c) => c.length <= 300));
  });

  it("rejects overlap not smaller than size", async () => {
    await assert.rejects(() => chunkText("abc", { size: 100, overlap: 100 }), /overlap/);
  });

  it("chunks a pathological 5 MB text (millions of one-letter words) exactly, letting the event loop run", async () => {
    const text = "a ".repeat(2.5 * 1024 * 1024);
    const { result: chunks, turns } = await loopTurnsDuring(() =>
      chunkText(text, { size: 800, overlap: 100 }),
    );
    assert.ok(
      turns >= 10,
      `the event loop got ${turns} turns while ${text.length} characters were chunked`,
    );
    assert.ok(chunks.every((chunk) => chunk.length <= 800 && /^a( a)*$/.test(chunk)));
    assert.equal(chunks[0]!.length, 799);
    assert.ok(chunks.length > text.length / 800);
  });

  it("splits at the coarsest separator within each range, however far the next one is", async () => {
    // One sentence break at the very end: each paragraph must not search to it and beyond.
    const paragraph = `${"word ".repeat(300).trim()}\n\n`;
    const text = `${paragraph.repeat(50)}The end. Really`;
    const chunks = await chunkText(text, { size: 400, overlap: 0 });
    assert.equal(chunks.join(" ").replace(/\s+/g, " "), text.trim().replace(/\s+/g, " "));
    assert.ok(chunks.every((chunk) => chunk.length <= 400));
  });
});
