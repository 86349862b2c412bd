import assert from "node:assert/strict";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { waitFor } from "../../../../test/support/wait-for.ts";
import { tempDir } from "../../../../test/support/temp-dir.ts";
import { FilesystemObjectStore } from "./filesystem.ts";
import { parseJournal } from "./object-journal.ts";
import { ObjectTooLarge } from "./object-store.ts";

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

  it("writes the file of a writer-only put at the checkpoint, answering the writer from memory until then", async () => {
    const dataDir = await tempDir("journal-writer-only");
    const file = join(dataDir, "objects", "documents", ".receipts", "r.json");
    const writer = new FilesystemObjectStore(dataDir, "documents", { checkpointMs: 3_600_000 });
    await writer.ready();
    await writer.put(".receipts/r.json", "first", "application/json", { writerOnly: true });
    await writer.put(".receipts/r.json", "second", "application/json", { writerOnly: true });
    assert.equal(text(await writer.get(".receipts/r.json")), "second");
    await assert.rejects(writer.get(".receipts/r.json", { maxBytes: 5 }), ObjectTooLarge);
    await assert.rejects(readFile(file), { code: "ENOENT" });

    await writer.put(".receipts/r.json", "third", "application/json", { writerOnly: true });
    await writer.close();
    assert.equal(await readFile(file, "utf8"), "third", "close checkpoints");
    assert.deepEqual(await readdir(journalDir(dataDir)), []);
    const reader = new FilesystemObjectStore(dataDir, "documents", { readOnly: true });
    assert.equal(text(await reader.get(".receipts/r.json")), "third");
  });

  it("restores a writer-only put from the journal after a crash before its checkpoint", async () => {
    const dataDir = await tempDir("journal-writer-only-crash");
    const writer = new FilesystemObjectStore(dataDir, "documents", { checkpointMs: 3_600_000 });
    await writer.ready();
    await writer.put(".receipts/r.json", "unpublished", "application/json", { writerOnly: true });
    await writer.put(".receipts/r.json", "published", "application/json", { writerOnly: true });
    // The writer is never closed: its journal is all a crash leaves.
    const next = new FilesystemObjectStore(dataDir, "documents");
    await next.ready();
    assert.equal(text(await next.get(".receipts/r.json")), "published");
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
