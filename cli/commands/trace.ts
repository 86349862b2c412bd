import { buildTraceTree, formatTraceTree } from "../traces/trace-tree.ts";
import { TraceStore } from "../traces/trace-store.ts";

export interface TraceOptions {
  dataDir: string;
  json: boolean;
}

/**
 * `knative-rag trace <trace_id>`: the trace as a tree (service | span | duration) from the spans
 * the local stack's OTLP receiver stored; without an id, the most recent traces.
 * Returns false when the trace is not there.
 */
export async function trace(traceId: string | undefined, options: TraceOptions): Promise<boolean> {
  const store = new TraceStore(options.dataDir);
  if (!traceId) return listRecent(store, options);
  const spans = await store.read(traceId.toLowerCase());
  if (spans.length === 0) {
    console.error(
      `no spans for trace ${traceId} under ${store.dir}.\n` +
        "Spans arrive there while `knative-rag up` runs (its OTLP receiver), a moment after the request; run `knative-rag trace` to list recent traces.",
    );
    return false;
  }
  console.log(options.json ? JSON.stringify(spans, null, 2) : formatTraceTree(traceId, spans));
  return true;
}

async function listRecent(store: TraceStore, options: TraceOptions): Promise<boolean> {
  const ids = await store.recent(15);
  const summaries = await Promise.all(
    ids.map(async (id) => {
      const spans = await store.read(id);
      const root = buildTraceTree(spans)[0]?.span;
      const start = Math.min(...spans.map((s) => s.start_ms));
      const end = Math.max(...spans.map((s) => s.start_ms + s.duration_ms));
      return {
        trace_id: id,
        root: root ? `${root.service}: ${root.name}` : "?",
        spans: spans.length,
        duration_ms: end - start,
        started: new Date(start).toISOString(),
      };
    }),
  );
  if (options.json) {
    console.log(JSON.stringify(summaries, null, 2));
    return true;
  }
  if (summaries.length === 0) {
    console.log(
      `no traces under ${store.dir} yet: run \`knative-rag up\`, send a request, then \`knative-rag trace <trace_id>\`.`,
    );
    return true;
  }
  for (const s of summaries) {
    console.log(
      `${s.trace_id}  ${s.started}  ${`${s.duration_ms.toFixed(1)} ms`.padStart(10)}  ${String(s.spans).padStart(3)} spans  ${s.root}`,
    );
  }
  return true;
}
