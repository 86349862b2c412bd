// The SQLite candidate of the search bench (bench/sqlite-store.ts, bench/sqlite-search.ts) must
// measure the same thing as the embedded store: the analyzer's terms reach FTS5 unchanged and the
// nearest chunks are LanceDB's. Runs where node:sqlite can load extensions (Node ≥ 22.13).
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { SqliteSearch } from "../../bench/sqlite-search.ts";
import {
  createSchema,
  openSqlite,
  SQLITE_FILE,
  sqliteUnavailable,
  writeDocuments,
} from "../../bench/sqlite-store.ts";
import { syntheticChunks, syntheticQuery } from "../../bench/synthetic-corpus.ts";
import { HashingEmbedder } from "../../functions/shared/backends/embedder/hashing.ts";
import { EmbeddedVectorStore } from "../../functions/shared/backends/vector-store/embedded.ts";
import { toRows } from "../../functions/shared/backends/vector-store/lance-tables.ts";
import { createAnalyzer } from "../../functions/shared/domain/analyzer.ts";
import type { EmbeddedChunk, SearchMode } from "../../functions/shared/domain/chunk.ts";
import { tempDir } from "../support/temp-dir.ts";

const analyzer = createAnalyzer("english");
const embedder = new HashingEmbedder(384, analyzer);
const DOCUMENTS = 30;

function chunksOf(documentId: string, texts: string[]): EmbeddedChunk[] {
  return texts.map((content, chunk_index) => ({
    id: `${documentId}:${chunk_index}`,
    document_id: documentId,
    namespace: "t",
    chunk_index,
    content,
    metadata: {},
    vector: embedder.embedOne(content),
  }));
}

describe("the search bench's SQLite candidate", { skip: await sqliteUnavailable() }, () => {
  const corpus = [
    ...Array.from({ length: DOCUMENTS }, (_, i) =>
      syntheticChunks(i, (content) => embedder.embedOne(content)),
    ),
    { documentId: "accented", chunks: chunksOf("accented", ["Un café crème, naïvement"]) },
    { documentId: "plain", chunks: chunksOf("plain", ["Un cafe creme, naivement"]) },
  ];
  let sqlite: SqliteSearch;
  let lance: EmbeddedVectorStore;

  before(async () => {
    const dir = await tempDir("sqlite-candidate");
    const db = await openSqlite(join(dir, SQLITE_FILE));
    createSchema(db, 384);
    writeDocuments(
      db,
      corpus.map((d) => toRows(d.chunks, analyzer)),
    );
    sqlite = new SqliteSearch(db, analyzer);
    lance = new EmbeddedVectorStore(join(dir, "lance"), analyzer);
    await lance.replaceDocuments("t", corpus);
  });

  const ask = (mode: SearchMode, text: string) => {
    const query = { mode, text, vector: embedder.embedOne(text), topK: 10, alpha: 0.1 };
    return {
      sqlite: sqlite.search({ ...query, chunksPerDocument: 1 }),
      lance: () => lance.search({ ...query, namespace: "t" }),
    };
  };

  it("matches terms as the analyzer wrote them: no folding of diacritics or case of its own", () => {
    const ids = (text: string) => ask("keyword", text).sqlite.map((hit) => hit.document_id);
    assert.deepEqual(ids("CAFÉ"), ["accented"]);
    assert.deepEqual(ids("cafe"), ["plain"]);
    assert.deepEqual(ids("naïvement"), ["accented"]);
  });

  it("finds LanceDB's nearest documents with the same similarities", async () => {
    for (let i = 0; i < 10; i++) {
      const { sqlite: hits, lance: expected } = ask("vector", syntheticQuery(i, DOCUMENTS));
      const want = await expected();
      assert.deepEqual(
        hits.map((hit) => [hit.document_id, hit.id]),
        want.map((hit) => [hit.document_id, hit.id]),
      );
      for (const [k, hit] of hits.entries()) assert.ok(Math.abs(hit.score - want[k]!.score) < 1e-5);
    }
  });

  it("ranks first by keyword and hybrid what LanceDB ranks first", async () => {
    for (let i = 0; i < 10; i++)
      for (const mode of ["keyword", "hybrid"] as const) {
        const { sqlite: hits, lance: expected } = ask(mode, syntheticQuery(i, DOCUMENTS));
        assert.equal(
          hits[0]?.document_id,
          (await expected())[0]?.document_id,
          `${mode} query ${i}`,
        );
      }
  });
});
