import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SearchHit } from "../../domain/chunk.ts";
import { groupByDocument } from "./group-by-document.ts";

const hit = (document_id: string, chunk_index: number, score: number): SearchHit => ({
  id: `${document_id}:${chunk_index}`,
  document_id,
  chunk_index,
  content: "",
  score,
  metadata: {},
});

describe("groupByDocument", () => {
  const ranked = [
    hit("long", 0, 9),
    hit("long", 1, 8),
    hit("long", 2, 7),
    hit("short", 0, 6),
    hit("other", 0, 5),
  ];

  it("keeps the best chunk of each document, so a long document cannot crowd out the rest", () => {
    assert.deepEqual(
      groupByDocument(ranked, 2).map((h) => h.id),
      ["long:0", "short:0"],
    );
  });

  it("attaches the next best chunks when asked", () => {
    const [first] = groupByDocument(ranked, 1, 2);
    assert.deepEqual(
      first!.more_chunks?.map((c) => c.chunk_index),
      [1],
    );
  });
});
