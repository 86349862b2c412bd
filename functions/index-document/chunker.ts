import { yieldToEventLoop } from "../shared/runtime/yield.ts";

export interface ChunkingOptions {
  /** Target maximum characters per chunk. */
  size: number;
  /** Characters of the previous chunk repeated at the start of the next, for context. */
  overlap: number;
}

const SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " "];

/** Characters merged between two turns of the event loop (well under a millisecond of work). */
const YIELD_EVERY_CHARS = 64 * 1024;

/**
 * Recursive character splitting: split on the coarsest separator (paragraphs, then lines,
 * sentences, clauses, words) whose pieces fit, merge neighbouring pieces up to `size`, and
 * carry `overlap` characters of context into the next chunk, cut at a word boundary.
 *
 * Pieces are contiguous, so they are kept as end offsets into the text and every chunk is one
 * slice of it: time is linear in the text (a 5 MB text of one-letter words made millions of
 * piece strings and took seconds), and the merge yields to the event loop as it goes.
 */
export async function chunkText(text: string, options: ChunkingOptions): Promise<string[]> {
  const steps = chunking(text, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await yieldToEventLoop();
  }
}

/** chunkText without turns of the event loop, for offline tools (eval); the server uses chunkText. */
export function chunkTextSync(text: string, options: ChunkingOptions): string[] {
  const steps = chunking(text, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The chunks as its return value; it yields where the event loop may take a turn. */
function* chunking(text: string, options: ChunkingOptions): Generator<void, string[]> {
  if (options.overlap >= options.size)
    throw new Error("chunk overlap must be smaller than chunk size");
  const normalised = text.replace(/\r\n?/g, "\n").trim();
  if (normalised.length === 0) return [];
  return yield* mergePieces(normalised, pieceEnds(normalised, options.size), options);
}

/** The end offset of every piece, in order: the pieces cover the text, each at most `size` long. */
function pieceEnds(text: string, size: number): number[] {
  const ends: number[] = [];
  // Ranges are visited left to right, so each level's next separator is searched for once and
  // reused until passed: a search from every range to the end of the text would be quadratic.
  const nextAt = SEPARATORS.map(() => -2);
  const find = (level: number, from: number): number => {
    if (nextAt[level]! !== -1 && nextAt[level]! < from)
      nextAt[level] = text.indexOf(SEPARATORS[level]!, from);
    return nextAt[level]!;
  };
  const split = (start: number, end: number, level: number): void => {
    if (end - start <= size) {
      ends.push(end);
      return;
    }
    if (level >= SEPARATORS.length) {
      for (let i = start; i < end; i += size) ends.push(Math.min(i + size, end));
      return;
    }
    const length = SEPARATORS[level]!.length;
    const within = (at: number) => at !== -1 && at + length <= end;
    let at = find(level, start);
    if (!within(at)) {
      split(start, end, level + 1);
      return;
    }
    // Keep the separator with the piece before it, so merging restores the text exactly.
    let from = start;
    while (within(at)) {
      const pieceEnd = at + length;
      if (pieceEnd - from <= size) ends.push(pieceEnd);
      else split(from, pieceEnd, level + 1);
      from = pieceEnd;
      at = find(level, from);
    }
    if (from < end) split(from, end, level + 1);
  };
  split(0, text.length, 0);
  return ends;
}

function* mergePieces(
  text: string,
  ends: number[],
  { size, overlap }: ChunkingOptions,
): Generator<void, string[]> {
  const chunks: string[] = [];
  // The chunk being built is text[from, to); each piece starts where the previous one ended.
  let from = 0;
  let to = 0;
  let sinceYield = 0;
  for (const end of ends) {
    const pieceLength = end - to;
    if (to > from && to - from + pieceLength > size) {
      chunks.push(text.slice(from, to).trim());
      const carried = tailStart(text, from, to, overlap);
      from = to - carried + pieceLength <= size ? carried : to;
    }
    to = end;
    sinceYield += pieceLength;
    if (sinceYield >= YIELD_EVERY_CHARS) {
      sinceYield = 0;
      yield;
    }
  }
  const last = text.slice(from, to).trim();
  if (last.length > 0) chunks.push(last);
  return chunks.filter((chunk, i) => i === 0 || chunk.length > 0);
}

/** Where the last `length` characters of text[from, to) start, moved on to a word boundary. */
function tailStart(text: string, from: number, to: number, length: number): number {
  if (length <= 0) return to;
  const start = Math.max(from, to - length);
  const boundary = text.slice(start, to).search(/\s/);
  return boundary === -1 ? start : start + boundary + 1;
}
