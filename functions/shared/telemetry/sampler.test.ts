import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { ROOT_CONTEXT, trace, TraceFlags, type SpanContext } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { RemoteUnsampledAsRootSampler } from "./sampler.ts";

function tracerWith(ratio: number) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: new RemoteUnsampledAsRootSampler(ratio),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { tracer: provider.getTracer("test"), exporter };
}

const remote = (traceId: string, flags: TraceFlags): SpanContext => ({
  traceId,
  spanId: "00f067aa0ba902b7",
  traceFlags: flags,
  isRemote: true,
});
const traceIds = Array.from({ length: 2000 }, (_, i) =>
  createHash("sha256").update(String(i)).digest("hex").slice(0, 32),
);

describe("RemoteUnsampledAsRootSampler", () => {
  it("records a trace that Knative forwarded unsampled (flags 00), keeping its trace id and parent", () => {
    const { tracer, exporter } = tracerWith(1);
    const parent = trace.setSpanContext(
      ROOT_CONTEXT,
      remote("4bf92f3577b34da6a3ce929d0e0e4736", TraceFlags.NONE),
    );
    tracer.startSpan("POST /ingest", {}, parent).end();
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.spanContext().traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert.equal(span?.parentSpanContext?.spanId, "00f067aa0ba902b7");
  });

  it("always records a remote parent that was sampled (flags 01), whatever the ratio", () => {
    const { tracer, exporter } = tracerWith(0);
    for (const id of traceIds.slice(0, 50))
      tracer
        .startSpan("s", {}, trace.setSpanContext(ROOT_CONTEXT, remote(id, TraceFlags.SAMPLED)))
        .end();
    assert.equal(exporter.getFinishedSpans().length, 50);
  });

  it("follows a local parent's decision, so a trace is recorded whole or not at all", () => {
    const { tracer, exporter } = tracerWith(0.5);
    for (const id of traceIds.slice(0, 200)) {
      const root = tracer.startSpan(
        "root",
        {},
        trace.setSpanContext(ROOT_CONTEXT, remote(id, TraceFlags.NONE)),
      );
      tracer.startSpan("child", {}, trace.setSpan(ROOT_CONTEXT, root)).end();
      root.end();
    }
    const finished = exporter.getFinishedSpans();
    const roots = new Set(
      finished.filter((s) => s.name === "root").map((s) => s.spanContext().traceId),
    );
    const children = new Set(
      finished.filter((s) => s.name === "child").map((s) => s.spanContext().traceId),
    );
    assert.deepEqual(children, roots);
    assert.ok(roots.size > 50 && roots.size < 150, `ratio 0.5 recorded ${roots.size} of 200`);
  });

  it("decides unsampled remote parents and new traces by trace id alone, the same in every function", () => {
    const ingest = tracerWith(0.25);
    const indexDocument = tracerWith(0.25);
    for (const id of traceIds) {
      ingest.tracer
        .startSpan("root", {}, trace.setSpanContext(ROOT_CONTEXT, remote(id, TraceFlags.NONE)))
        .end();
      indexDocument.tracer
        .startSpan("root", {}, trace.setSpanContext(ROOT_CONTEXT, remote(id, TraceFlags.NONE)))
        .end();
    }
    const recorded = (t: { exporter: InMemorySpanExporter }) =>
      t.exporter.getFinishedSpans().map((s) => s.spanContext().traceId);
    assert.deepEqual(recorded(indexDocument), recorded(ingest));
    const share = recorded(ingest).length / traceIds.length;
    assert.ok(share > 0.15 && share < 0.35, `ratio 0.25 recorded ${share}`);
  });

  it("drops everything unsampled with ratio 0, and records every new trace with ratio 1", () => {
    const none = tracerWith(0);
    const all = tracerWith(1);
    for (const id of traceIds.slice(0, 100))
      none.tracer
        .startSpan("s", {}, trace.setSpanContext(ROOT_CONTEXT, remote(id, TraceFlags.NONE)))
        .end();
    for (let i = 0; i < 100; i++) all.tracer.startSpan("s", {}, ROOT_CONTEXT).end();
    assert.equal(none.exporter.getFinishedSpans().length, 0);
    assert.equal(all.exporter.getFinishedSpans().length, 100);
  });
});
