import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../../../test/support/temp-dir.ts";
import { EmbeddedVectorStore } from "./embedded.ts";

const chunk = (documentId: string, content: string) => ({
  id: `${documentId}-0`,
  document_id: documentId,
  namespace: "docs",
  chunk_index: 0,
  content,
  metadata: {},
  vector: [1, 0, 0],
});

describe("EmbeddedVectorStore with a corrupt file", () => {
  it("skips a truncated or foreign file, names it, and keeps serving the namespace and /namespaces", async () => {
    const dataDir = await tempDir("vectors-corrupt");
    const reported: string[] = [];
    const writer = new EmbeddedVectorStore(dataDir);
    const reader = new EmbeddedVectorStore(dataDir, undefined, (file) => reported.push(file));
    await writer.replaceDocument("docs", "good", [chunk("good", "kept searchable")]);
    await writer.replaceDocument("docs", "bad", [chunk("bad", "about to be truncated")]);
    const dir = join(dataDir, "vectors", "docs");
    const names = await readdir(dir);
    const badName = (await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n), "utf8")] as const))).find(([, t]) => t.includes('"bad"'))![0];
    const text = await readFile(join(dir, badName), "utf8");
    await writeFile(join(dir, badName), text.slice(0, text.length / 2));
    await writeFile(join(dir, "foreign.json"), JSON.stringify({ chunks: "nope" }));

    const hits = await reader.search({ namespace: "docs", mode: "keyword", text: "searchable", topK: 5, alpha: 0 });
    assert.deepEqual(hits.map((h) => h.document_id), ["good"]);
    assert.deepEqual(await reader.namespaces(), [{ namespace: "docs", documents: 1, chunks: 1 }]);
    assert.deepEqual(reported.sort(), [join("vectors", "docs", badName), join("vectors", "docs", "foreign.json")].sort());
  });
});
