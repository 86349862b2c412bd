import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { trace, TraceFlags } from "@opentelemetry/api";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { extractTraceContext } from "./trace-context.ts";

const producer = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  traceFlags: TraceFlags.SAMPLED,
};

// What a consumer does with a message's headers: the producer's context back, as a remote parent.
describe("trace headers for messages", () => {
  // As sdk.ts registers it: AsyncLocalStorage context, W3C trace-context and baggage propagators.
  before(() => new NodeTracerProvider().register());

  it("extracts a context from Kafka-style headers: Buffer values, any case", () => {
    const extracted = extractTraceContext({
      TraceParent: Buffer.from(`00-${producer.traceId}-${producer.spanId}-01`),
      other: undefined,
    });
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
