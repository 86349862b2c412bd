import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CloudEvent } from "cloudevents";
import type { KafkaMessage } from "kafkajs";
import { cloudEventToRecord, headerStrings, recordToCloudEvent } from "./kafka-record.ts";

// What kafkajs hands a consumer: header values as Buffers, key and value as Buffers.
const asConsumed = (record: ReturnType<typeof cloudEventToRecord>, offset = "7"): KafkaMessage => ({
  key: record.key === null ? null : Buffer.from(record.key),
  value: Buffer.from(record.value),
  headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)])),
  timestamp: "1795576539815",
  offset,
  attributes: 0,
  size: undefined,
});

describe("CloudEvents in Kafka binary mode", () => {
  const event = new CloudEvent({
    type: "rag.document.stored",
    source: "knative-rag/ingest",
    subject: "doc-1",
    datacontenttype: "application/json",
    partitionkey: "doc-1",
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    tracestate: "rag=1",
    data: { document_id: "doc-1", text: "Grüße" },
  });

  it("writes ce_* headers, JSON data, the partition key as record key and plain trace headers", () => {
    const record = cloudEventToRecord(event);
    assert.equal(record.key, "doc-1");
    assert.deepEqual(JSON.parse(record.value), event.data);
    assert.equal(record.headers["content-type"], "application/json");
    assert.equal(record.headers.ce_id, event.id);
    assert.equal(record.headers.ce_traceparent, event.traceparent);
    assert.equal(record.headers.traceparent, event.traceparent);
    assert.equal(record.headers.tracestate, "rag=1");
    assert.ok(
      Object.values(record.headers).every((v) => typeof v === "string" && v !== "undefined"),
    );
  });

  it("reads the same event back from what a consumer receives", () => {
    const back = recordToCloudEvent(asConsumed(cloudEventToRecord(event)), "documents", 0, "/test");
    assert.deepEqual(back.toJSON(), event.toJSON());
  });

  it("reads a structured-mode record whatever the case of its media type", () => {
    const value = JSON.stringify({ ...event.toJSON(), data: event.data });
    const back = recordToCloudEvent(
      asConsumed({
        key: "doc-1",
        value,
        headers: { "content-type": "Application/CloudEvents+JSON; charset=UTF-8" },
      }),
      "documents",
      0,
      "/test",
    );
    assert.equal(back.id, event.id);
    assert.equal(back.type, "rag.document.stored");
    assert.deepEqual(back.data, event.data);
  });

  it("wraps a plain record as KafkaSource does", () => {
    const back = recordToCloudEvent(
      asConsumed({ key: "k", value: "hello", headers: { "content-type": "text/plain" } }, "42"),
      "documents",
      3,
      "/src",
    );
    assert.deepEqual(
      {
        id: back.id,
        type: back.type,
        source: back.source,
        subject: back.subject,
        data: back.data,
        datacontenttype: back.datacontenttype,
      },
      {
        id: "partition:3/offset:42",
        type: "dev.knative.kafka.event",
        source: "/src#documents",
        subject: "partition:3#42",
        data: "hello",
        datacontenttype: "text/plain",
      },
    );
  });

  it("turns Buffer headers into strings, the last of repeated ones winning", () => {
    assert.deepEqual(
      headerStrings({ A: Buffer.from("x"), b: [Buffer.from("1"), Buffer.from("2")], c: undefined }),
      { a: "x", b: "2" },
    );
  });
});
