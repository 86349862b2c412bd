import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { connect } from "@lancedb/lancedb";
import { tempDir } from "../../../../test/support/temp-dir.ts";
import { waitFor } from "../../../../test/support/wait-for.ts";
import { HashingEmbedder } from "../embedder/hashing.ts";
import { EmbeddedVectorStore } from "./embedded.ts";

const WRITER = join(import.meta.dirname, "embedded-writer.fixture.ts");
const embedder = new HashingEmbedder(64);

/** Spawns the writer fixture; `written` holds the ids it reported committed. */
function startWriter(
  dataDir: string,
  count?: number,
): { child: ChildProcess; written: string[]; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", WRITER, dataDir, ...(count === undefined ? [] : [String(count)])],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const written: string[] = [];
  let partial = "";
  child.stdout!.on("data", (data: Buffer) => {
    const lines = (partial + data.toString()).split("\n");
    partial = lines.pop()!;
    written.push(...lines);
  });
  return {
    child,
    written,
    exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))),
  };
}

const keyword = (store: EmbeddedVectorStore, text: string) =>
  store.search({
    namespace: "ns",
    mode: "keyword",
    text,
    topK: 10,
    alpha: 0.5,
    chunksPerDocument: 3,
  });

describe("EmbeddedVectorStore across processes", () => {
  it("lets a reader process search while a writer process writes, seeing every committed write", async () => {
    const dataDir = await tempDir("store-processes");
    const writer = startWriter(dataDir, 40);
    const reader = new EmbeddedVectorStore(dataDir);
    let seen = 0;
    // Each search must succeed and never see fewer documents than before (no torn or lost commit).
    while (seen < 40) {
      const stats = (await reader.namespaces()).find((s) => s.namespace === "ns");
      const documents = stats?.documents ?? 0;
      assert.ok(documents >= seen, `documents went from ${seen} to ${documents}`);
      seen = documents;
      const committed = writer.written.length;
      if (committed > 0) {
        const last = `doc-${committed - 1}`;
        assert.ok(
          (await keyword(reader, `marker${committed - 1}`)).some((h) => h.document_id === last),
          `${last} was reported committed but is not found`,
        );
      }
      if (writer.child.exitCode !== null && seen < 40)
        assert.fail(`writer exited with ${writer.child.exitCode} after ${seen} documents`);
    }
    assert.equal(await writer.exited, 0);
    await reader.close();
  });

  it("opens and stays writable after its writer is killed (SIGKILL) mid-write", async () => {
    const dataDir = await tempDir("store-kill");
    for (const afterDocuments of [3, 17]) {
      const writer = startWriter(dataDir);
      await waitFor(
        `${afterDocuments} documents written`,
        () => writer.written.length >= afterDocuments,
        60_000,
      );
      writer.child.kill("SIGKILL");
      await writer.exited;
      const store = new EmbeddedVectorStore(dataDir);
      const stats = (await store.namespaces()).find((s) => s.namespace === "ns")!;
      assert.ok(stats.documents >= afterDocuments, `${stats.documents} documents`);
      // Every document it holds is whole: three chunks, each found.
      const hits = await keyword(store, "marker0");
      assert.deepEqual(
        hits.map((h) => [h.document_id, 1 + (h.more_chunks?.length ?? 0)]),
        [["doc-0", 3]],
      );
      await store.replaceDocument("ns", "after-kill", [
        {
          id: "after-kill:0",
          document_id: "after-kill",
          namespace: "ns",
          chunk_index: 0,
          content: "survivor",
          metadata: {},
          vector: [0, 0, 1],
        },
      ]);
      assert.deepEqual(
        (await keyword(store, "survivor")).map((h) => h.document_id),
        ["after-kill"],
      );
      await store.close();
    }
  });

  it("shows a write to a running reader without rebuilding the index of what did not change", async () => {
    const dataDir = await tempDir("store-incremental");
    const store = new EmbeddedVectorStore(dataDir);
    const reader = new EmbeddedVectorStore(dataDir);
    const write = (id: string, content: string) =>
      store.replaceDocument("ns", id, [
        {
          id: `${id}:0`,
          document_id: id,
          namespace: "ns",
          chunk_index: 0,
          content,
          metadata: {},
          vector: embedder.embedOne(content),
        },
      ]);
    await write("first", "first document");
    const documents = await (
      await connect(join(dataDir, "lancedb"), { readConsistencyInterval: 0 })
    ).openTable("documents_ns");
    const stats = async () => (await documents.indexStats("terms_idx"))!;
    // Until a write has just folded everything into the index, so that the next one will not.
    for (
      let d = 0;
      d < 60 && !((await stats()).numIndexedRows >= 30 && (await stats()).numUnindexedRows === 0);
      d++
    )
      await write(`doc-${d}`, `filler ${d}`);
    assert.equal((await keyword(reader, "filler")).length, 10);
    const before = await stats();
    assert.equal(before.numUnindexedRows, 0);
    await write("fresh", "freshword");
    assert.deepEqual(
      (await keyword(reader, "freshword")).map((h) => h.document_id),
      ["fresh"],
    );
    const after = await stats();
    assert.deepEqual([after.numIndexedRows, after.numUnindexedRows], [before.numIndexedRows, 1]);
    await Promise.all([reader.close(), store.close()]);
  });
});
