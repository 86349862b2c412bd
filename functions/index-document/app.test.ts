import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { waitFor } from "../../test/support/wait-for.ts";
import { inProcessPipeline } from "../../test/support/in-process-pipeline.ts";
import type { IngestAccepted } from "../ingest/app.ts";
import { sha256Hex } from "../shared/domain/document.ts";

// Each case: ingest submissions, then hand their recorded events to index-document in the order
// (and as often) a broker might, and look at what search serves.
describe("index-document serves the last accepted version of every document", async () => {
  const pipeline = await inProcessPipeline("index-document");
  after(() => pipeline.close());
  const eventOf = async (accepted: IngestAccepted) =>
    waitFor(`the event of ${accepted.document_id}`, () => {
      try {
        return pipeline.eventOf(accepted);
      } catch {
        return undefined;
      }
    });
  const deliver = async (accepted: IngestAccepted) => pipeline.deliver(await eventOf(accepted));

  it("indexes an old content again when it comes back after a newer one (A: v1, v2, v1)", async () => {
    for (const text of ["marker first content", "marker second content", "marker first content"]) {
      const accepted = await pipeline.ingest({ id: "A", namespace: "a", text });
      assert.equal(accepted.duplicate, false);
      assert.equal((await deliver(accepted)).body.status, "indexed");
    }
    assert.deepEqual(await pipeline.served("a"), new Map([["A", ["marker first content"]]]));
  });

  it("indexes the same text under two ids, and keeps the second when the first changes", async () => {
    const b = await pipeline.ingest({
      id: "B",
      namespace: "b",
      text: "marker shared text",
      metadata: { title: "B" },
    });
    const c = await pipeline.ingest({
      id: "C",
      namespace: "b",
      text: "marker shared text",
      metadata: { title: "C" },
    });
    assert.equal((await deliver(b)).body.status, "indexed");
    assert.equal((await deliver(c)).body.status, "indexed");
    const b2 = await pipeline.ingest({ id: "B", namespace: "b", text: "marker B moved on" });
    await deliver(b2);
    assert.deepEqual(
      await pipeline.served("b"),
      new Map([
        ["B", ["marker B moved on"]],
        ["C", ["marker shared text"]],
      ]),
    );
  });

  it("ends with the newest of many versions whatever the delivery order, and older or repeated events change nothing", async () => {
    const versions: IngestAccepted[] = [];
    for (let i = 0; i < 12; i++)
      versions.push(
        await pipeline.ingest({ id: "D", namespace: "d", text: `marker version ${i % 3}` }),
      );
    const shuffled = [...versions].sort(
      (x, y) => ((x.version * 7919) % 13) - ((y.version * 7919) % 13),
    );
    await Promise.all(shuffled.map((v) => deliver(v)));
    // Every one again (redelivery), then the oldest last.
    for (const v of [...shuffled, versions[0]!]) {
      const { status, body } = await deliver(v);
      assert.equal(status, 200);
      assert.equal(body.status, "skipped");
    }
    const newest = versions.at(-1)!;
    assert.deepEqual(await pipeline.served("d"), new Map([["D", [`marker version ${11 % 3}`]]]));
    // An old content submitted after all that is the newest version again.
    const back = await pipeline.ingest({ id: "D", namespace: "d", text: "marker version 0" });
    assert.ok(back.version > newest.version);
    assert.equal((await deliver(back)).body.status, "indexed");
    assert.deepEqual(await pipeline.served("d"), new Map([["D", ["marker version 0"]]]));
  });

  it("never trusts an event whose object does not match its sha256: 422, nothing indexed", async () => {
    const e1 = await pipeline.ingest({ id: "E", namespace: "e", text: "marker real text" });
    const event = await eventOf(e1);
    const futureText = "marker a text submitted later";
    const forged = await pipeline.deliver(event, (data) => ({
      ...data,
      sha256: sha256Hex(futureText),
    }));
    assert.equal(forged.status, 422);
    assert.match(String(forged.body.error), /sha256/);
    const elsewhere = await pipeline.deliver(event, (data) => ({ ...data, key: "e/other.json" }));
    assert.equal(elsewhere.status, 422);
    assert.equal((await pipeline.served("e")).size, 0);
    // The future text is indexed when it comes.
    await deliver(e1);
    await deliver(await pipeline.ingest({ id: "E", namespace: "e", text: futureText }));
    assert.deepEqual(await pipeline.served("e"), new Map([["E", [futureText]]]));
  });

  it("stores documents whose id would escape to a file name longer than 255 bytes", async () => {
    const id = `a${":".repeat(127)}`;
    const accepted = await pipeline.ingest({ id, namespace: "long", text: "marker long id" });
    assert.equal((await deliver(accepted)).body.status, "indexed");
    assert.deepEqual(await pipeline.served("long"), new Map([[id, ["marker long id"]]]));
    // (The vector store keeps ids as column values, not file names.)
    for (const dir of ["objects/documents/long", "index-state/long/documents"]) {
      for (const name of await readdir(join(pipeline.dataDir, dir)))
        assert.ok(Buffer.byteLength(name) <= 64, `${dir}/${name}`);
    }
  });
});
