import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ROOT_CONTEXT, trace, TraceFlags } from "@opentelemetry/api";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { extractTraceContext, injectTraceHeaders, withTraceContext } from "./trace-context.ts";

const producer = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: TraceFlags.SAMPLED };

// What the Kafka adapter does: headers for a record inside the producer span, and back on the consumer side.
describe("trace headers for messages", () => {
  // As sdk.ts registers it: AsyncLocalStorage context, W3C trace-context and baggage propagators.
  before(() => new NodeTracerProvider().register());

  it("injects the active context as a plain traceparent next to the record's own headers", () => {
    const headers = withTraceContext(trace.setSpanContext(ROOT_CONTEXT, producer), () => injectTraceHeaders({ ce_traceparent: "kept", ce_id: "1" }));
    assert.deepEqual(headers, { ce_traceparent: "kept", ce_id: "1", traceparent: `00-${producer.traceId}-${producer.spanId}-01` });
  });

  it("extracts a context from Kafka-style headers: Buffer values, any case", () => {
    const extracted = extractTraceContext({ TraceParent: Buffer.from(`00-${producer.traceId}-${producer.spanId}-01`), other: undefined });
    const span = trace.getSpanContext(extracted);
    assert.equal(span?.traceId, producer.traceId);
    assert.equal(span?.spanId, producer.spanId);
    assert.equal(span?.isRemote, true);
  });

  it("gives the root context for headers without a valid traceparent", () => {
    assert.equal(trace.getSpanContext(extractTraceContext({ traceparent: "garbage" })), undefined);
    assert.equal(trace.getSpanContext(extractTraceContext({})), undefined);
  });
});
