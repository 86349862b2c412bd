// A seeded synthetic corpus for the store benches: documents of 20 chunks over a Zipf-distributed
// vocabulary of 20,000 made-up words, each document leaning on its own few topic words, so that
// BM25 sees realistic term statistics and similar chunks cluster in vector space.
import type { EmbeddedChunk } from "../functions/shared/domain/chunk.ts";
import { mulberry32 } from "../test/support/seeded-random.ts";

export const CHUNKS_PER_DOCUMENT = 20;
const VOCABULARY = 20_000;
const WORDS_PER_CHUNK = 80;
const TOPIC_WORDS = 8;
const SYLLABLES = "ka ri to na me su lo vi de po ra mi ne tu sa ko le zu ba fi".split(" ");

const vocabulary = Array.from({ length: VOCABULARY }, (_, i) => {
  let word = "";
  for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length))
    word += SYLLABLES[n % SYLLABLES.length];
  return `${word}x`;
});
// Zipf (s = 1): the cumulative weights of ranks 1..V, sampled by binary search.
const cumulative = new Float64Array(VOCABULARY);
for (let i = 0, sum = 0; i < VOCABULARY; i++) cumulative[i] = sum += 1 / (i + 1);

function zipfWord(random: () => number): string {
  const target = random() * cumulative[VOCABULARY - 1]!;
  let low = 0;
  let high = VOCABULARY - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid]! < target) low = mid + 1;
    else high = mid;
  }
  return vocabulary[low]!;
}

export interface SyntheticDocument {
  id: string;
  title: string;
  chunks: string[];
}

/** Document `index` of the corpus, the same on every run. */
export function syntheticDocument(index: number): SyntheticDocument {
  const random = mulberry32(index + 1);
  const topic = Array.from(
    { length: TOPIC_WORDS },
    () => vocabulary[200 + Math.floor(random() * (VOCABULARY - 200))]!,
  );
  const chunks = Array.from({ length: CHUNKS_PER_DOCUMENT }, () =>
    Array.from({ length: WORDS_PER_CHUNK }, () =>
      random() < 0.15 ? topic[Math.floor(random() * TOPIC_WORDS)]! : zipfWord(random),
    ).join(" "),
  );
  return { id: `doc-${index}`, title: `${topic[0]} ${topic[1]}`, chunks };
}

/** A query of a few words of one document's chunk (some topic words, some common ones). */
export function syntheticQuery(index: number, documents: number): string {
  const random = mulberry32(1_000_003 + index);
  const document = syntheticDocument(Math.floor(random() * documents));
  const words = document.chunks[Math.floor(random() * CHUNKS_PER_DOCUMENT)]!.split(" ");
  return Array.from(
    { length: 3 + Math.floor(random() * 4) },
    () => words[Math.floor(random() * words.length)]!,
  ).join(" ");
}

/**
 * Document `index`'s chunks as a store takes them; `vectorOf` gets each chunk's text and its row
 * in the corpus (the raw vector file's order).
 */
export function syntheticChunks(
  index: number,
  vectorOf: (content: string, row: number) => number[],
): { documentId: string; chunks: EmbeddedChunk[] } {
  const document = syntheticDocument(index);
  return {
    documentId: document.id,
    chunks: document.chunks.map((content, chunk_index) => ({
      id: `${document.id}:${chunk_index}`,
      document_id: document.id,
      namespace: "bench",
      chunk_index,
      content,
      metadata: { title: document.title },
      vector: vectorOf(content, index * CHUNKS_PER_DOCUMENT + chunk_index),
    })),
  };
}

/** A one-chunk document holding only `word`: what a write → visible probe writes. */
export function probeChunk(id: string, word: string, vector: number[]): EmbeddedChunk {
  return {
    id: `${id}:0`,
    document_id: id,
    namespace: "bench",
    chunk_index: 0,
    content: word,
    metadata: {},
    vector,
  };
}
