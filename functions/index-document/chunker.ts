export interface ChunkingOptions {
  /** Target maximum characters per chunk. */
  size: number;
  /** Characters of the previous chunk repeated at the start of the next, for context. */
  overlap: number;
}

const SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " "];

/**
 * Recursive character splitting: split on the coarsest separator (paragraphs, then lines,
 * sentences, clauses, words) whose pieces fit, merge neighbouring pieces up to `size`, and
 * carry `overlap` characters of context into the next chunk, cut at a word boundary.
 */
export function chunkText(text: string, options: ChunkingOptions): string[] {
  if (options.overlap >= options.size) throw new Error("chunk overlap must be smaller than chunk size");
  const normalised = text.replace(/\r\n?/g, "\n").trim();
  if (normalised.length === 0) return [];
  const pieces = splitRecursively(normalised, options.size, 0);
  return mergePieces(pieces, options);
}

function splitRecursively(text: string, size: number, level: number): string[] {
  if (text.length <= size) return [text];
  if (level >= SEPARATORS.length) {
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
    return parts;
  }
  const separator = SEPARATORS[level]!;
  const parts = text.split(separator);
  if (parts.length === 1) return splitRecursively(text, size, level + 1);
  // Keep the separator with the piece before it, so merging restores the text exactly.
  return parts.flatMap((part, i) => {
    const piece = i < parts.length - 1 ? part + separator : part;
    return piece.length === 0 ? [] : splitRecursively(piece, size, level + 1);
  });
}

function mergePieces(pieces: string[], { size, overlap }: ChunkingOptions): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const piece of pieces) {
    if (current.length > 0 && current.length + piece.length > size) {
      chunks.push(current.trim());
      const carried = tail(current, overlap);
      current = carried.length + piece.length <= size ? carried : "";
    }
    current += piece;
  }
  if (current.trim().length > 0) chunks.push(current.trim());
  return chunks.filter((chunk, i) => i === 0 || chunk.length > 0);
}

/** The last `length` characters of `text`, starting at a word boundary. */
function tail(text: string, length: number): string {
  if (length <= 0) return "";
  const slice = text.slice(-length);
  const boundary = slice.search(/\s/);
  return boundary === -1 ? slice : slice.slice(boundary + 1);
}
