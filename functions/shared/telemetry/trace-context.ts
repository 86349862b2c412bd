import { context, propagation } from "@opentelemetry/api";

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
