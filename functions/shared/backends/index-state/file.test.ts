import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tempDir } from "../../../../test/support/temp-dir.ts";
import { FileIndexState } from "./file.ts";

describe("FileIndexState", () => {
  it("shares one write among concurrent bumps, each still above the generation before its call", async () => {
    const state = new FileIndexState(await tempDir("index-state-bumps"));
    await state.ready();
    const bumps = await Promise.all(Array.from({ length: 20 }, () => state.bumpGeneration("ns")));
    assert.ok(bumps.every((g) => g >= 1));
    const after = await state.generation("ns");
    assert.ok(after < 20, `20 concurrent bumps took ${after} writes`);
    assert.equal(await state.bumpGeneration("ns"), after + 1, "a bump after them moves past them");
  });
});
