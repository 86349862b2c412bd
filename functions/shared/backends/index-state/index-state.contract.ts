import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { IndexState } from "./index-state.ts";

/** Two instances over the same state: index-document writes it, search reads it. */
export interface IndexStatePair {
  writer: IndexState;
  reader: IndexState;
}

/** What every IndexState must do, run against each adapter. */
export function indexStateContract(adapter: string, open: () => Promise<IndexStatePair>): void {
  describe(`IndexState contract: ${adapter}`, () => {
    let writer: IndexState;
    let reader: IndexState;
    const ns = `contract-${Date.now().toString(36)}`;
    before(async () => {
      ({ writer, reader } = await open());
      await writer.ready();
      await reader.ready();
    });
    after(async () => {
      await writer?.close();
      await reader?.close();
    });

    it("starts a namespace at generation 0 and moves it by one per bump, seen by the other instance", async () => {
      assert.equal(await reader.generation(ns), 0);
      assert.equal(await writer.bumpGeneration(ns), 1);
      assert.equal(await writer.bumpGeneration(ns), 2);
      assert.equal(await reader.generation(ns), 2);
      assert.equal(await reader.generation(`${ns}-other`), 0);
    });

    it("remembers which document was indexed with a content hash, per namespace", async () => {
      const sha = "a".repeat(64);
      assert.equal(await reader.indexedDocument(ns, sha), undefined);
      await writer.markIndexed(ns, sha, "1e5");
      assert.equal(await reader.indexedDocument(ns, sha), "1e5");
      assert.equal(await reader.indexedDocument(`${ns}-other`, sha), undefined);
      await writer.markIndexed(ns, sha, "doc-2");
      assert.equal(await reader.indexedDocument(ns, sha), "doc-2");
    });
  });
}
