import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { CloudEvent, HTTP } from "cloudevents";
import { Kafka, logLevel, type KafkaMessage } from "kafkajs";
import {
  startKafkaRelay,
  type KafkaRelay,
  type KafkaRelayOptions,
} from "../../dev/kafka-relay/relay.ts";
import { KafkaPublisher } from "../../functions/shared/backends/events/kafka.ts";
import {
  headerStrings,
  recordToCloudEvent,
} from "../../functions/shared/backends/events/kafka-record.ts";
import { waitFor } from "../support/wait-for.ts";
import { createLogger } from "../../functions/shared/runtime/logger.ts";
import { silentLogger } from "../support/silent-logger.ts";
import { startKafka, type KafkaServer } from "./servers.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** A real HTTP sink answering each request with the next scripted status (then 200); 429 and 503 say Retry-After: 1, which the relay ignores as Knative does. */
async function scriptedSink() {
  const received: { headers: IncomingHttpHeaders; body: string; status: number; at: number }[] = [];
  const script: number[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const status = script.shift() ?? 200;
      received.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
        status,
        at: performance.now(),
      });
      const retryAfter = status === 429 || status === 503 ? { "retry-after": "1" } : {};
      response
        .writeHead(status, { "content-type": "application/json", ...retryAfter })
        .end(JSON.stringify({ error: `scripted ${status}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const close = () => new Promise<void>((r) => server.close(() => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    script,
    close,
  };
}

describe("dev Kafka relay (KafkaSource semantics) against a real broker", () => {
  let kafka: KafkaServer;
  let client: Kafka;
  let sink: Awaited<ReturnType<typeof scriptedSink>>;
  let publisher: KafkaPublisher;
  const relays: KafkaRelay[] = [];
  const relayOn = async (topic: string, overrides: Partial<KafkaRelayOptions> = {}) => {
    const relay = await startKafkaRelay({
      brokers: kafka.brokers,
      topic,
      groupId: `relay-${topic}`,
      sink: sink.url,
      deadLetterTopic: `${topic}-dlq`,
      retry: 3,
      backoffDelayMs: 50,
      timeoutMs: 5000,
      fromBeginning: true,
      logger: createLogger("relay", process.env.RELAY_TEST_LOG ?? "silent"),
      ...overrides,
    });
    relays.push(relay);
    return relay;
  };
  const publish = async (topic: string, documentId: string) => {
    publisher = new KafkaPublisher({
      brokers: kafka.brokers,
      topic,
      deadLetterTopic: undefined,
      clientId: "relay-test",
      logger: silentLogger,
      publishTimeoutMs: 5000,
    });
    const event = new CloudEvent({
      type: "rag.document.stored",
      source: "knative-rag/ingest",
      subject: documentId,
      datacontenttype: "application/json",
      partitionkey: documentId,
      traceparent: TRACEPARENT,
      data: { document_id: documentId },
    });
    await publisher.publish(event);
    await publisher.close();
    return event;
  };
  const deliveriesOf = (id: string) => sink.received.filter((r) => r.headers["ce-id"] === id);
  const deadLetters = async (topic: string, count: number) => {
    const records: KafkaMessage[] = [];
    const consumer = client.consumer({ groupId: `dlq-reader-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void records.push(message) });
    await waitFor(
      `${count} dead letters on ${topic}`,
      () => records.length >= count || undefined,
      15_000,
    );
    await consumer.disconnect();
    return records;
  };

  before(async () => {
    kafka = await startKafka();
    client = new Kafka({
      clientId: "relay-test",
      brokers: kafka.brokers,
      logLevel: logLevel.NOTHING,
    });
    sink = await scriptedSink();
  });
  after(async () => {
    for (const relay of relays) await relay.stop();
    await sink?.close();
    await kafka?.cleanup();
  });

  it("POSTs the record as a binary-mode CloudEvent with the record's traceparent as the HTTP traceparent", async () => {
    await relayOn("relay-plain");
    const event = await publish("relay-plain", "doc-1");
    const [delivery] = await waitFor(
      "the delivery",
      () => (deliveriesOf(event.id).length ? deliveriesOf(event.id) : undefined),
      15_000,
    );
    assert.equal(delivery!.headers["ce-type"], "rag.document.stored");
    assert.equal(delivery!.headers["ce-subject"], "doc-1");
    assert.equal(delivery!.headers["ce-partitionkey"], "doc-1");
    assert.equal(delivery!.headers["ce-traceparent"], TRACEPARENT);
    assert.equal(delivery!.headers.traceparent, TRACEPARENT);
    assert.match(String(delivery!.headers["content-type"]), /^application\/json/);
    const received = HTTP.toEvent({
      headers: delivery!.headers,
      body: delivery!.body,
    }) as CloudEvent<unknown>;
    assert.deepEqual(received.data, { document_id: "doc-1" });
  });

  it("retries 503, 404, 409 and 429 with backoff, commits after the 2xx, and a restarted relay does not redeliver", async () => {
    const relay = await relayOn("relay-retry", { retry: 4 });
    sink.script.push(503, 404, 409, 429);
    const event = await publish("relay-retry", "doc-2");
    await waitFor(
      "the 2xx",
      () => deliveriesOf(event.id).some((d) => d.status === 200) || undefined,
      15_000,
    );
    assert.deepEqual(
      deliveriesOf(event.id).map((d) => d.status),
      [503, 404, 409, 429, 200],
    );
    await relay.stop();
    const again = await relayOn("relay-retry");
    // A later record with the same key (same partition, so delivered in order after it): once it
    // arrives, the restarted relay has read past the committed record.
    const marker = await publish("relay-retry", "doc-2");
    await waitFor(
      "the later record",
      () => deliveriesOf(marker.id).some((d) => d.status === 200) || undefined,
      30_000,
    );
    assert.equal(deliveriesOf(event.id).length, 5, "the committed record came again");
    await again.stop();
  });

  it("never retries another 4xx: the event goes to the dead-letter topic at once, with Knative's error extensions", async () => {
    await relayOn("relay-reject");
    sink.script.push(400);
    const event = await publish("relay-reject", "doc-3");
    const [dead] = await deadLetters("relay-reject-dlq", 1);
    assert.equal(deliveriesOf(event.id).length, 1);
    const failed = recordToCloudEvent(
      dead!,
      "relay-reject-dlq",
      0,
      "/test",
    ) as CloudEvent<unknown> & Record<string, unknown>;
    assert.equal(failed.id, event.id);
    assert.equal(failed.knativeerrorcode, "400");
    assert.equal(failed.knativeerrordest, sink.url);
    assert.deepEqual(
      JSON.parse(Buffer.from(String(failed.knativeerrordata), "base64").toString()),
      { error: "scripted 400" },
    );
    assert.equal(headerStrings(dead!.headers).traceparent, TRACEPARENT);
    assert.equal(dead!.key?.toString(), "doc-3");
  });

  it("sends to the dead-letter topic after retry + 1 failed attempts", async () => {
    await relayOn("relay-exhaust");
    sink.script.push(500, 500, 500, 500);
    const event = await publish("relay-exhaust", "doc-4");
    const [dead] = await deadLetters("relay-exhaust-dlq", 1);
    assert.deepEqual(
      deliveriesOf(event.id).map((d) => d.status),
      [500, 500, 500, 500],
    );
    assert.equal(
      (
        recordToCloudEvent(dead!, "relay-exhaust-dlq", 0, "/test") as unknown as Record<
          string,
          unknown
        >
      ).knativeerrorcode,
      "500",
    );
  });
});
