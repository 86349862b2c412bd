import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { Kafka, logLevel, type Consumer } from "kafkajs";
import { startKafka, type KafkaServer } from "./servers.ts";

// kafkajs 2.2.4 is the product's client and has had no release since 2023, while Kafka 4 dropped
// old protocol versions (KIP-896): this proves the exact calls the product makes still work.
let kafka: KafkaServer;
let client: Kafka;

before(async () => {
  kafka = await startKafka();
  client = new Kafka({ clientId: "stack-test", brokers: kafka.brokers, logLevel: logLevel.WARN });
});
after(() => kafka?.cleanup());

test("the broker listens on loopback and reports the pinned version", () => {
  assert.match(kafka.brokers[0] ?? "", /^127\.0\.0\.1:\d+$/);
  assert.match(kafka.version, /^\d+\.\d+\.\d+$/);
});

test("kafkajs creates a topic, produces idempotently with acks=-1, and a group consumes with headers and commits", async () => {
  const topic = "documents";
  const admin = client.admin();
  await admin.connect();
  assert.equal(
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }),
    true,
  );
  assert.ok((await admin.listTopics()).includes(topic));

  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const sent = await producer.send({
    topic,
    acks: -1,
    messages: [1, 2, 3].map((n) => ({
      key: `doc-${n}`,
      value: `chunk ${n}`,
      headers: { "ce-type": "rag.chunk", "ce-id": `id-${n}` },
    })),
  });
  assert.ok(sent.every((r) => r.errorCode === 0));
  await producer.disconnect();

  const consumer = client.consumer({ groupId: "indexers" });
  const received = await consumeN(consumer, topic, 3);
  assert.deepEqual(received.map((m) => m.value).sort(), ["chunk 1", "chunk 2", "chunk 3"]);
  for (const m of received) assert.equal(m.headers["ce-type"], "rag.chunk");
  assert.deepEqual(received.map((m) => m.headers["ce-id"]).sort(), ["id-1", "id-2", "id-3"]);

  const [offsets] = await admin.fetchOffsets({ groupId: "indexers", topics: [topic] });
  const committed = offsets?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  assert.equal(committed, 3, "the group committed past all three messages");
  await admin.disconnect();
});

test("a topic auto-creates on first produce", async () => {
  const producer = client.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.send({ topic: "auto-created", messages: [{ value: "x" }] });
  await producer.disconnect();
  const admin = client.admin();
  await admin.connect();
  assert.ok((await admin.listTopics()).includes("auto-created"));
  await admin.disconnect();
});

test("stop() then start() keeps the port and the data", async () => {
  await kafka.stop();
  await kafka.start();
  const consumer = client.consumer({ groupId: "after-restart" });
  const received = await consumeN(consumer, "documents", 3);
  assert.equal(received.length, 3);
});

test("the broker logged no rejected request versions", () => {
  const log = readFileSync(kafka.logFile, "utf8");
  assert.doesNotMatch(
    log,
    /UnsupportedVersionException|InvalidRequestException|UNSUPPORTED_VERSION/,
  );
});

interface Received {
  value: string;
  headers: Record<string, string>;
}

async function consumeN(consumer: Consumer, topic: string, n: number): Promise<Received[]> {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: Received[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`got ${received.length} of ${n} messages`)),
        30_000,
      );
      void consumer.run({
        autoCommit: true,
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          );
          received.push({ value: String(message.value), headers });
          if (received.length === n) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect(); // commits the consumed offsets
  }
  return received;
}
