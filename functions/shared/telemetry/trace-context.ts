import { context, propagation, ROOT_CONTEXT, type Context } from "@opentelemetry/api";

type Carrier = Record<string, string | string[] | undefined>;

/**
 * The active context as W3C `traceparent`/`tracestate`, for the CloudEvents Distributed
 * Tracing extension and outgoing requests. Empty when no propagator is registered.
 */
export function currentTraceHeaders(): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

/**
 * The context carried by a message's headers (case-insensitive names; Kafka header values may
 * be Buffers). Use it as the parent of a consumer span: `withTraceContext(extracted, fn)`.
 */
export function extractTraceContext(
  carrier: Record<string, unknown>,
  base: Context = ROOT_CONTEXT,
): Context {
  const normalised: Carrier = {};
  for (const [key, value] of Object.entries(carrier)) {
    if (value === undefined || value === null) continue;
    normalised[key.toLowerCase()] = Array.isArray(value)
      ? value.map(String)
      : Buffer.isBuffer(value)
        ? value.toString("utf8")
        : String(value);
  }
  return propagation.extract(base, normalised);
}

/** Runs `fn` with `ctx` as the active context (e.g. one extracted from a message). */
export function withTraceContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}
