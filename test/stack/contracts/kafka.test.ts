import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { CloudEvent } from "cloudevents";
import { Kafka, logLevel, type KafkaMessage } from "kafkajs";
import { eventPublisherContract } from "../../../functions/shared/backends/events/event-publisher.contract.ts";
import { KafkaPublisher } from "../../../functions/shared/backends/events/kafka.ts";
import {
  cloudEventToRecord,
  headerStrings,
  recordToCloudEvent,
} from "../../../functions/shared/backends/events/kafka-record.ts";
import { silentLogger } from "../../support/silent-logger.ts";
import { waitFor } from "../../support/wait-for.ts";
import { startKafka, type KafkaServer } from "../servers.ts";

const kafka: KafkaServer = await startKafka();
after(() => kafka.cleanup());
const client = new Kafka({
  clientId: "contract-test",
  brokers: kafka.brokers,
  logLevel: logLevel.NOTHING,
});
const publisherOn = (topic: string) =>
  new KafkaPublisher({
    brokers: kafka.brokers,
    topic,
    deadLetterTopic: undefined,
    clientId: "contract-test",
    logger: silentLogger,
    publishTimeoutMs: 5000,
  });

/** A consumer group reading a topic from the beginning, keeping every record. */
async function recordsOf(topic: string) {
  const records: { message: KafkaMessage; partition: number }[] = [];
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
  await admin.disconnect();
  const consumer = client.consumer({ groupId: `reader-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => void records.push({ message, partition }),
  });
  return { records, stop: () => consumer.disconnect() };
}

eventPublisherContract("kafka", async () => {
  const publisher = publisherOn("contract-events");
  await publisher.ready();
  const reader = await recordsOf("contract-events");
  return {
    publisher,
    received: () =>
      reader.records.map((r) =>
        recordToCloudEvent(r.message, "contract-events", r.partition, "/test"),
      ),
    close: async () => {
      await reader.stop();
      await publisher.close();
    },
  };
});

describe("KafkaPublisher records", () => {
  it("are CloudEvents in Kafka binary mode keyed by document id, with plain trace headers for the KafkaSource", async () => {
    const publisher = publisherOn("record-format");
    const event = new CloudEvent({
      type: "rag.document.stored",
      source: "knative-rag/ingest",
      subject: "doc-7",
      datacontenttype: "application/json",
      partitionkey: "doc-7",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      tracestate: "rag=1",
      data: { document_id: "doc-7" },
    });
    await publisher.publish(event);
    await publisher.close();
    const reader = await recordsOf("record-format");
    const { message } = await waitFor("the record", () => reader.records[0], 15_000).finally(() =>
      reader.stop(),
    );
    const headers = headerStrings(message.headers);
    assert.equal(message.key?.toString(), "doc-7");
    assert.deepEqual(JSON.parse(message.value!.toString()), { document_id: "doc-7" });
    assert.equal(headers["content-type"], "application/json");
    assert.deepEqual(
      {
        id: headers.ce_id,
        specversion: headers.ce_specversion,
        type: headers.ce_type,
        source: headers.ce_source,
        subject: headers.ce_subject,
        time: headers.ce_time,
      },
      {
        id: event.id,
        specversion: "1.0",
        type: event.type,
        source: event.source,
        subject: "doc-7",
        time: event.time,
      },
    );
    assert.equal(headers.ce_traceparent, event.traceparent);
    assert.equal(headers.traceparent, event.traceparent);
    assert.equal(headers.ce_tracestate, "rag=1");
    assert.equal(headers.tracestate, "rag=1");
  });
});

describe("KafkaPublisher when Kafka goes away", () => {
  it("rejects within its publish time-out while the broker is down, and publishes again once it is back", async () => {
    const publisher = publisherOn("outage");
    const event = () =>
      new CloudEvent({ type: "t", source: "/s", partitionkey: "k", data: { n: 1 } });
    await publisher.publish(event());
    await kafka.stop();
    const began = performance.now();
    await assert.rejects(publisher.publish(event()));
    const failedMs = performance.now() - began;
    await assert.rejects(publisher.ready());
    console.log(`kafka down: publish rejected after ${Math.round(failedMs)} ms`);
    assert.ok(failedMs < 6000, `publish took ${Math.round(failedMs)} ms to fail`);
    await kafka.start();
    await publisher.publish(event());
    await publisher.close();
  });
});

describe("KafkaPublisher dead letters", () => {
  it("finds an event on the dead-letter topic, in binary or structured mode, including one dead-lettered later", async () => {
    const deadLetterTopic = `dead-letters-${Date.now().toString(36)}`;
    const publisher = new KafkaPublisher({
      brokers: kafka.brokers,
      topic: "dead-letter-source",
      deadLetterTopic,
      clientId: "contract-test",
      logger: silentLogger,
      publishTimeoutMs: 15_000,
    });
    const producer = client.producer();
    await producer.connect();
    const event = (subject: string) =>
      new CloudEvent({ type: "rag.document.stored", source: "/test", subject, data: { subject } });
    // As Knative's KafkaSink writes them: binary mode, the failure in knativeerror* attributes.
    const deadLetter = (dead: CloudEvent<unknown>) =>
      cloudEventToRecord(dead.cloneWith({ knativeerrorcode: "503" }, false));
    try {
      const [binary, structured, later, alive] = ["a", "b", "c", "d"].map(event);
      assert.equal(await publisher.isDeadLettered(binary!.id), false, "no dead-letter topic yet");

      await producer.send({
        topic: deadLetterTopic,
        messages: [
          deadLetter(binary!),
          { key: "b", value: JSON.stringify({ ...structured!.toJSON(), knativeerrorcode: "422" }) },
        ],
      });
      assert.equal(await publisher.isDeadLettered(binary!.id), true);
      assert.equal(await publisher.isDeadLettered(structured!.id), true);
      assert.equal(await publisher.isDeadLettered(alive!.id), false);

      await producer.send({ topic: deadLetterTopic, messages: [deadLetter(later!)] });
      assert.equal(await publisher.isDeadLettered(later!.id), true);
      assert.equal(await publisher.isDeadLettered(alive!.id), false);
    } finally {
      await producer.disconnect();
      await publisher.close();
    }
  });
});
