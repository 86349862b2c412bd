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

    it("records one indexed version per document, per namespace, seen by the other instance", async () => {
      const v1 = { version: 1_000_001, sha256: "a".repeat(64) };
      assert.equal(await reader.indexedVersion(ns, "1e5"), undefined);
      assert.deepEqual(await writer.markIndexed(ns, "1e5", v1), v1);
      assert.deepEqual(await reader.indexedVersion(ns, "1e5"), v1);
      assert.equal(await reader.indexedVersion(`${ns}-other`, "1e5"), undefined);
      assert.equal(
        await reader.indexedVersion(ns, "doc-2"),
        undefined,
        "the same content under another id is another document",
      );
    });

    it("keeps the newest version: an older one never replaces it, a newer one does", async () => {
      const newer = { version: 2_000_000, sha256: "b".repeat(64) };
      const older = { version: 1_500_000, sha256: "c".repeat(64) };
      assert.deepEqual(await writer.markIndexed(ns, "versions", newer), newer);
      assert.deepEqual(
        await writer.markIndexed(ns, "versions", older),
        newer,
        "an older version loses",
      );
      assert.deepEqual(await reader.indexedVersion(ns, "versions"), newer);
      const again = { version: 2_000_001, sha256: "a".repeat(64) };
      assert.deepEqual(
        await writer.markIndexed(ns, "versions", again),
        again,
        "old content as a new version wins",
      );
    });

    it("lets exactly the newest of many concurrent versions win, from two instances", async () => {
      const versions = Array.from({ length: 20 }, (_, i) => ({
        version: 1_764_000_000_000_000 + i,
        sha256: i.toString(16).padStart(64, "0"),
      }));
      const shuffled = [...versions].sort(
        (a, b) => ((a.version * 7919) % 20) - ((b.version * 7919) % 20),
      );
      await Promise.all(
        shuffled.map((v, i) => (i % 2 ? writer : reader).markIndexed(ns, "concurrent", v)),
      );
      assert.deepEqual(await reader.indexedVersion(ns, "concurrent"), versions.at(-1));
    });

    it("takes ids whose escaped form would exceed a file name's 255 bytes", async () => {
      const id = `a${":".repeat(127)}`;
      const v = { version: 3, sha256: "d".repeat(64) };
      assert.deepEqual(await writer.markIndexed(ns, id, v), v);
      assert.deepEqual(await reader.indexedVersion(ns, id), v);
    });
  });
}
