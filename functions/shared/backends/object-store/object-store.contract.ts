import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ObjectTooLarge, type ObjectStore } from "./object-store.ts";

/** What every ObjectStore must do, run against each adapter; `open` gets a bucket that does not exist yet. */
export function objectStoreContract(
  adapter: string,
  open: (bucket: string) => Promise<ObjectStore>,
): void {
  describe(`ObjectStore contract: ${adapter}`, () => {
    let store: ObjectStore;
    const bucket = `contract-${Date.now().toString(36)}`;
    before(async () => {
      store = await open(bucket);
    });
    after(() => store?.close());

    it("creates its bucket when it is missing, and ready() may be called again", async () => {
      await store.ready();
      await store.ready();
      assert.equal(store.bucket, bucket);
    });

    it("answers a missing key with undefined, not an error", async () => {
      assert.equal(await store.get("default/missing.json"), undefined);
    });

    it("stores bytes under a nested key and returns them unchanged", async () => {
      const body = JSON.stringify({ text: "Grüße, 東京, emoji 🚀", n: 1 });
      await store.put("docs/doc-1.json", body, "application/json");
      assert.equal(Buffer.from((await store.get("docs/doc-1.json"))!).toString("utf8"), body);
      const binary = Uint8Array.from([0, 255, 1, 254]);
      await store.put(".receipts/docs/doc-1.json", binary, "application/octet-stream");
      assert.deepEqual([...(await store.get(".receipts/docs/doc-1.json"))!], [...binary]);
    });

    it("refuses an object over the reader's limit as permanently too large, and reads one at the limit", async () => {
      const body = "x".repeat(1000);
      await store.put("docs/large.json", body, "application/json");
      await assert.rejects(store.get("docs/large.json", { maxBytes: 999 }), ObjectTooLarge);
      assert.equal((await store.get("docs/large.json", { maxBytes: 1000 }))!.byteLength, 1000);
      assert.equal(await store.get("docs/missing-large.json", { maxBytes: 10 }), undefined);
    });

    it("overwrites an existing key", async () => {
      await store.put("docs/doc-1.json", "second version", "text/plain");
      assert.equal(
        Buffer.from((await store.get("docs/doc-1.json"))!).toString("utf8"),
        "second version",
      );
    });
  });
}
