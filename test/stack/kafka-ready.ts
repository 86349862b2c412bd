import { Kafka, logLevel } from "kafkajs";

const READY_TOPIC = "__stack_ready";

/**
 * Resolves true (throws otherwise) once a kafkajs client can do what tests will: list and create topics, find the group
 * coordinator (which creates __consumer_offsets), and produce idempotently (which needs a
 * producer id). Warming these here keeps the coordinators' "loading" retries out of the tests.
 */
export async function kafkaIsReady(brokers: string[]): Promise<boolean> {
  const kafka = new Kafka({
    clientId: "stack-ready",
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: 2, initialRetryTime: 100 },
  });
  try {
    await admin.connect();
    await admin.listTopics();
    await admin.createTopics({
      topics: [{ topic: READY_TOPIC, numPartitions: 1 }],
      waitForLeaders: true,
    });
    await admin.describeGroups([READY_TOPIC]);
    await producer.connect();
    await producer.send({ topic: READY_TOPIC, acks: -1, messages: [{ value: "ready" }] });
    return true;
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}
