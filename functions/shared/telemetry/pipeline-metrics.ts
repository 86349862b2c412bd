import { getInstruments } from "./instruments.ts";

/** One line per pipeline event in the functions' code; no-ops while telemetry is off. */

export function recordDocumentIngested(): void {
  getInstruments().documentsIngested.add(1);
}

export function recordChunksIndexed(count: number): void {
  getInstruments().chunksIndexed.add(count);
}

/**
 * A stored file set aside because it could not be read. Labelled by the store that found it, not by
 * file: a label per file would be a new time series per file.
 */
export function recordCorruptFile(store: "event-spool"): void {
  getInstruments().corruptFiles.add(1, { "rag.storage.store": store });
}

/** Event `time` (set by ingest when it created the event) → now, the document's end-to-end indexing lag. */
export function recordIndexingLag(eventTime: string | undefined): void {
  const created = eventTime ? Date.parse(eventTime) : Number.NaN;
  if (Number.isNaN(created)) return;
  getInstruments().indexingLag.record(Math.max(0, (Date.now() - created) / 1000));
}

export function recordCacheLookups(
  cache: "embedding" | "search",
  hits: number,
  misses: number,
): void {
  const { cacheRequests } = getInstruments();
  if (hits > 0) cacheRequests.add(hits, { "cache.name": cache, "cache.hit": true });
  if (misses > 0) cacheRequests.add(misses, { "cache.name": cache, "cache.hit": false });
}

export function recordSearchDuration(mode: string, seconds: number, cacheHit: boolean): void {
  getInstruments().searchDuration.record(seconds, { "search.mode": mode, "cache.hit": cacheHit });
}

export interface GenAiOperation {
  operation: "chat" | "embeddings";
  system: string;
  model: string;
  seconds: number;
  usage?: { input_tokens?: number; output_tokens?: number } | undefined;
  error?: string;
}

export function recordGenAiOperation(op: GenAiOperation): void {
  const { genAiDuration, genAiTokens } = getInstruments();
  const attributes = {
    "gen_ai.operation.name": op.operation,
    "gen_ai.system": op.system,
    "gen_ai.request.model": op.model,
  };
  genAiDuration.record(
    op.seconds,
    op.error ? { ...attributes, "error.type": op.error } : attributes,
  );
  if (op.usage?.input_tokens !== undefined)
    genAiTokens.record(op.usage.input_tokens, { ...attributes, "gen_ai.token.type": "input" });
  if (op.usage?.output_tokens !== undefined)
    genAiTokens.record(op.usage.output_tokens, { ...attributes, "gen_ai.token.type": "output" });
}

/** Times `fn` and records it as a generative AI operation, failed or not. */
export async function timeGenAiOperation<T>(
  op: Omit<GenAiOperation, "seconds" | "usage" | "error">,
  fn: () => Promise<T>,
  usageOf: (result: T) => GenAiOperation["usage"] = () => undefined,
): Promise<T> {
  const started = performance.now();
  try {
    const result = await fn();
    recordGenAiOperation({
      ...op,
      seconds: (performance.now() - started) / 1000,
      usage: usageOf(result),
    });
    return result;
  } catch (error) {
    recordGenAiOperation({
      ...op,
      seconds: (performance.now() - started) / 1000,
      error: error instanceof Error ? error.name : "error",
    });
    throw error;
  }
}
