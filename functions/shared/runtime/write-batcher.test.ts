import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WriteBatcher } from "./write-batcher.ts";

/** A write that records its batches and waits until `release` is called. */
function gatedWrite() {
  const batches: string[][] = [];
  const gates: (() => void)[] = [];
  const write = async (items: string[]) => {
    batches.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
  };
  const releaseAll = () => {
    for (const gate of gates.splice(0)) gate();
  };
  return { batches, write, releaseAll, gates };
}

describe("WriteBatcher", () => {
  it("writes the first item at once and what arrives meanwhile in one later write", async () => {
    const { batches, write, releaseAll, gates } = gatedWrite();
    const batcher = new WriteBatcher(write);
    const first = batcher.add("a");
    const rest = ["b", "c", "d"].map((item) => batcher.add(item));
    assert.deepEqual(batches, [["a"]]);
    releaseAll();
    await first;
    while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(batches, [["a"], ["b", "c", "d"]]);
    releaseAll();
    await Promise.all(rest);
  });

  it("keeps batches within maxBatch", async () => {
    const batches: number[] = [];
    const batcher = new WriteBatcher<number>(async (items) => {
      batches.push(items.length);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((item) => batcher.add(item)));
    assert.deepEqual(batches, [1, 2, 2]);
  });

  it("fails only the caller whose item cannot be written", async () => {
    const written: string[] = [];
    const batcher = new WriteBatcher<string>(async (items) => {
      if (items.includes("bad")) throw new Error("cannot write bad");
      written.push(...items);
    });
    const results = await Promise.allSettled(
      ["first", "good", "bad", "also good"].map((item) => batcher.add(item)),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "fulfilled", "rejected", "fulfilled"],
    );
    assert.deepEqual(written, ["first", "good", "also good"]);
  });

  it("starts again after it ran dry", async () => {
    const batches: string[][] = [];
    const batcher = new WriteBatcher<string>(async (items) => {
      batches.push(items);
    });
    await batcher.add("a");
    await batcher.add("b");
    assert.deepEqual(batches, [["a"], ["b"]]);
  });
});
