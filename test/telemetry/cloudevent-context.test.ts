import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  assertBuilt,
  named,
  startSpanCollector,
  type SpanCollector,
} from "./support/span-collector.ts";
import { startFunctionProcess, type FunctionProcess } from "../support/function-process.ts";
import { acceptedOf } from "../support/response-bodies.ts";

// ingest accepts rag.document.submitted CloudEvents on POST /, so it shows the rule on a real process.
describe("a CloudEvent's traceparent extension wins over the delivery's HTTP traceparent", () => {
  let collector: SpanCollector;
  let ingest: FunctionProcess;
  let dataDir: string;

  before(async () => {
    assertBuilt();
    dataDir = await mkdtemp(join(tmpdir(), "knative-rag-ce-context-"));
    collector = await startSpanCollector(dataDir);
    ingest = await startFunctionProcess("ingest", {
      DATA_DIR: dataDir,
      K_SINK: "http://127.0.0.1:9/",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: "50",
    });
  });
  after(async () => {
    await ingest?.stop("SIGKILL");
    await collector?.receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const producer = { trace: "0af7651916cd43dd8448eb211c80319c", span: "b7ad6b7169203331" };
  const dataPlane = { trace: "11111111111111111111111111111111", span: "2222222222222222" };
  const submission = (id: string) => ({
    text: `Document ${id} about the CloudEvents distributed tracing extension.`,
    namespace: "ce",
    id,
  });

  // Every case uses its own trace id, so the trace holds exactly that request's spans.
  async function serverSpan(traceId: string) {
    const spans = await collector.trace(
      traceId,
      (found) =>
        found.some((s) => s.name === "POST /") && found.some((s) => s.name === "messaging.publish"),
    );
    assert.equal(spans.filter((s) => s.kind === "server").length, 1);
    return named(spans, "POST /", "ingest");
  }

  it("binary mode: parent = ce-traceparent, link to the HTTP traceparent of another trace", async () => {
    const response = await fetch(`${ingest.url}/`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "ce-specversion": "1.0",
        "ce-id": "binary-1",
        "ce-source": "/test",
        "ce-type": "rag.document.submitted",
        "ce-traceparent": `00-${producer.trace}-${producer.span}-01`,
        traceparent: `00-${dataPlane.trace}-${dataPlane.span}-01`,
      },
      body: JSON.stringify(submission("binary")),
    });
    assert.equal(response.status, 202);
    assert.equal((await acceptedOf(response)).trace_id, producer.trace);
    const server = await serverSpan(producer.trace);
    assert.equal(server.parent_span_id, producer.span);
    assert.deepEqual(server.links, [{ trace_id: dataPlane.trace, span_id: dataPlane.span }]);
    assert.equal(server.attributes["faas.trigger"], "pubsub");
    assert.equal(server.attributes["faas.invocation_id"], "binary-1");
    assert.equal(
      collector.spans.filter((s) => s.trace_id === dataPlane.trace).length,
      0,
      "nothing is recorded in the data plane's trace",
    );
  });

  it("structured mode: parent = the body's traceparent, link to the HTTP traceparent", async () => {
    const structuredProducer = {
      trace: "3333333333333333333333333333333a",
      span: "444444444444444b",
    };
    const response = await fetch(`${ingest.url}/`, {
      method: "POST",
      headers: {
        "content-type": "application/cloudevents+json",
        traceparent: `00-${dataPlane.trace}-${dataPlane.span}-01`,
      },
      body: JSON.stringify({
        specversion: "1.0",
        id: "structured-1",
        source: "/test",
        type: "rag.document.submitted",
        traceparent: `00-${structuredProducer.trace}-${structuredProducer.span}-01`,
        data: submission("structured"),
      }),
    });
    assert.equal(response.status, 202);
    const server = await serverSpan(structuredProducer.trace);
    assert.equal(server.parent_span_id, structuredProducer.span);
    assert.deepEqual(server.links, [{ trace_id: dataPlane.trace, span_id: dataPlane.span }]);
  });

  it("same trace in both: the event's context is the parent and no link is added", async () => {
    const sameTrace = "5555555555555555555555555555555c";
    const response = await fetch(`${ingest.url}/`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "ce-specversion": "1.0",
        "ce-id": "same-1",
        "ce-source": "/test",
        "ce-type": "rag.document.submitted",
        "ce-traceparent": `00-${sameTrace}-6666666666666666-01`,
        traceparent: `00-${sameTrace}-7777777777777777-01`,
      },
      body: JSON.stringify(submission("same")),
    });
    assert.equal(response.status, 202);
    const server = await serverSpan(sameTrace);
    assert.equal(server.parent_span_id, "6666666666666666");
    assert.deepEqual(server.links, []);
  });

  it("a plain HTTP request continues its traceparent and is an http trigger", async () => {
    const response = await fetch(`${ingest.url}/ingest`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        traceparent: `00-${"8".repeat(31)}d-${"9".repeat(15)}e-01`,
      },
      body: JSON.stringify(submission("plain")),
    });
    assert.equal(response.status, 202);
    const spans = await collector.trace(`${"8".repeat(31)}d`, (found) =>
      found.some((s) => s.name === "POST /ingest"),
    );
    const server = named(spans, "POST /ingest");
    assert.equal(server.parent_span_id, `${"9".repeat(15)}e`);
    assert.equal(server.attributes["faas.trigger"], "http");
    assert.deepEqual(server.links, []);
  });
});
