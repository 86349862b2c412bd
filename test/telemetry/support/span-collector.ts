import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../../cli/package-root.ts";
import { FUNCTION_NAMES } from "../../../functions/functions.ts";
import { startOtlpReceiver, type OtlpReceiver } from "../../../cli/traces/otlp-receiver.ts";
import type { StoredMetric, StoredSpan } from "../../../cli/traces/otlp-json.ts";
import { TraceStore } from "../../../cli/traces/trace-store.ts";
import { waitFor } from "../../support/wait-for.ts";

export interface SpanCollector {
  receiver: OtlpReceiver;
  store: TraceStore;
  spans: StoredSpan[];
  metrics: StoredMetric[];
  /** Spans of one trace once `ready(spans)` holds. */
  trace(
    traceId: string,
    ready: (spans: StoredSpan[]) => boolean,
    what?: string,
    timeoutMs?: number,
  ): Promise<StoredSpan[]>;
}

/** The local stack's real OTLP receiver on a free port, remembering what it decoded. */
export async function startSpanCollector(dataDir: string): Promise<SpanCollector> {
  const spans: StoredSpan[] = [];
  const metrics: StoredMetric[] = [];
  const store = new TraceStore(dataDir);
  // Closed by the caller: node:test's after() inside a before() hook would run right after that hook.
  const receiver = await startOtlpReceiver({
    store,
    port: 0,
    onSpans: (batch) => spans.push(...batch),
    onMetrics: (batch) => metrics.push(...batch),
  });
  return {
    receiver,
    store,
    spans,
    metrics,
    trace: (traceId, ready, what = `spans of trace ${traceId}`, timeoutMs = 30_000) =>
      waitFor(
        what,
        () => {
          const found = spans.filter((s) => s.trace_id === traceId);
          return ready(found) ? found : undefined;
        },
        timeoutMs,
      ),
  };
}

export function assertBuilt(): void {
  for (const name of FUNCTION_NAMES) {
    if (!existsSync(join(packageRoot(), "dist", name, "index.mjs")))
      throw new Error(
        `dist/${name}/index.mjs is missing: run \`node scripts/build.mjs\` first (npm test does)`,
      );
  }
}

export function named(spans: StoredSpan[], name: string, service?: string): StoredSpan {
  const span = spans.find(
    (s) => s.name === name && (service === undefined || s.service === service),
  );
  if (!span)
    throw new Error(
      `no span "${name}"${service ? ` from ${service}` : ""} among: ${spans.map((s) => `${s.service}:${s.name}`).join(", ")}`,
    );
  return span;
}
