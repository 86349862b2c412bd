import assert from "node:assert/strict";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { waitFor } from "../../../../test/support/wait-for.ts";
import { tempDir } from "../../../../test/support/temp-dir.ts";
import { FilesystemObjectStore } from "./filesystem.ts";
import { parseJournal } from "./object-journal.ts";

const text = (bytes: Uint8Array | undefined) =>
  bytes ? Buffer.from(bytes).toString("utf8") : undefined;
const journalDir = (dataDir: string) => join(dataDir, "journal", "objects", "documents");

describe("FilesystemObjectStore journal (group commit)", () => {
  it("restores, at the next start, objects whose files were lost before a checkpoint (a crash before write-back)", async () => {
    const dataDir = await tempDir("journal-restore");
    const writer = new FilesystemObjectStore(dataDir, "documents", { checkpointMs: 3_600_000 });
    await writer.ready();
    await Promise.all([
      writer.put("ns/a.json", "first"),
      writer.put("ns/b.json", new Uint8Array([0, 10, 255])),
      writer.put("ns/a.json", "second"),
    ]);
    // What an OS crash can leave of files written without fsync: nothing.
    await rm(join(dataDir, "objects"), { recursive: true });
    const next = new FilesystemObjectStore(dataDir, "documents");
    await next.ready();
    assert.equal(
      text(await next.get("ns/a.json")),
      "second",
      "the last write wins, as in the journal's order",
    );
    assert.deepEqual([...(await next.get("ns/b.json"))!], [0, 10, 255]);
    assert.deepEqual(await readdir(journalDir(dataDir)), [], "a replayed journal is dropped");
  });

  it("leaves the journal to the writer: a read-only store neither replays it nor writes", async () => {
    const dataDir = await tempDir("journal-read-only");
    const writer = new FilesystemObjectStore(dataDir, "documents", { checkpointMs: 3_600_000 });
    await writer.ready();
    await writer.put("ns/a.json", "journaled");
    await rm(join(dataDir, "objects"), { recursive: true });
    const reader = new FilesystemObjectStore(dataDir, "documents", { readOnly: true });
    await reader.ready();
    assert.equal(await reader.get("ns/a.json"), undefined);
    assert.equal((await readdir(journalDir(dataDir))).length, 1, "the journal stays");
    await assert.rejects(reader.put("ns/b.json", "x"), /read-only/);
    const restarted = new FilesystemObjectStore(dataDir, "documents");
    await restarted.ready();
    assert.equal(text(await reader.get("ns/a.json")), "journaled");
  });

  it("drops the journal once a checkpoint has made the files durable", async () => {
    const dataDir = await tempDir("journal-checkpoint");
    const store = new FilesystemObjectStore(dataDir, "documents", { checkpointMs: 10 });
    await store.ready();
    await store.put("k.json", "kept");
    await waitFor(
      "the checkpoint",
      async () => (await readdir(journalDir(dataDir))).length === 0 || undefined,
    );
    assert.equal(text(await store.get("k.json")), "kept");
    await store.close();
  });

  it("reads a journal up to a torn last record", () => {
    const whole = Buffer.from(`{"key":"a","bytes":3}\nabc\n{"key":"b","bytes":2}\nxy\n`);
    assert.deepEqual(
      parseJournal(whole).map((r) => [r.key, r.data.toString()]),
      [
        ["a", "abc"],
        ["b", "xy"],
      ],
    );
    assert.deepEqual(
      parseJournal(whole.subarray(0, whole.length - 2)).map((r) => r.key),
      ["a"],
    );
    assert.deepEqual(parseJournal(Buffer.from(`{"key":"a","bytes":3}\nab`)), []);
  });
});
