import type { SearchHit } from "../../domain/chunk.ts";

/**
 * Documents, not chunks: from chunk hits ranked best first, the first `topK` distinct documents,
 * each represented by its best chunk, so that a long document cannot crowd out the rest. With
 * `chunksPerDocument` > 1 a source also carries its document's next best matching chunks.
 */
export function groupByDocument(
  ranked: readonly SearchHit[],
  topK: number,
  chunksPerDocument = 1,
): SearchHit[] {
  const documents = new Map<string, SearchHit>();
  for (const hit of ranked) {
    const best = documents.get(hit.document_id);
    if (!best) {
      if (documents.size < topK) documents.set(hit.document_id, { ...hit });
      continue;
    }
    if (chunksPerDocument <= 1) continue;
    const more = (best.more_chunks ??= []);
    if (more.length < chunksPerDocument - 1)
      more.push({
        id: hit.id,
        chunk_index: hit.chunk_index,
        content: hit.content,
        score: hit.score,
      });
  }
  return [...documents.values()];
}
