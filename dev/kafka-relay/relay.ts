import type { CloudEvent } from "cloudevents";
import { Kafka, logLevel, type EachMessagePayload, type LogEntry } from "kafkajs";
import {
  cloudEventToRecord,
  headerStrings,
  recordToCloudEvent,
} from "../../functions/shared/backends/events/kafka-record.ts";
import type { Logger } from "../../functions/shared/runtime/logger.ts";
import { deliver, type DeliveryPolicy, type DeliveryResult } from "./delivery.ts";

export interface KafkaRelayOptions extends DeliveryPolicy {
  brokers: string[];
  topic: string;
  groupId: string;
  /** Where events go: index-document's URL. */
  sink: string;
  /** Failed events go here with knativeerror* extensions; unset: logged and dropped, as Knative does. */
  deadLetterTopic?: string | undefined;
  fromBeginning: boolean;
  logger: Logger;
}

export interface KafkaRelay {
  stop(): Promise<void>;
}

/** Knative's limit on knativeerrordata: the first 1024 bytes of the response body. */
const ERROR_DATA_MAX_BYTES = 1024;

/**
 * Dev-only stand-in for Knative's KafkaSource (ordered delivery): one event in flight per
 * partition, the offset committed only after a 2xx or after the event went to the dead-letter
 * topic. Not part of any function bundle or image; the cluster runs the real KafkaSource.
 */
export async function startKafkaRelay(options: KafkaRelayOptions): Promise<KafkaRelay> {
  const { logger } = options;
  const kafka = new Kafka({
    clientId: "knative-rag-kafka-relay",
    brokers: options.brokers,
    connectionTimeout: 3000,
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) =>
      logger.debug({ namespace: entry.namespace }, `kafkajs: ${entry.log.message}`),
  });
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3000,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let stopping = false;
  const wakeUps = new Set<() => void>();
  const source = `/dev/kafka-relay/${options.groupId}`;

  const wait = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (stopping) return reject(new Error("relay stopping"));
      const timer = setTimeout(done, ms);
      const wake = () => done();
      wakeUps.add(wake);
      function done() {
        clearTimeout(timer);
        wakeUps.delete(wake);
        if (stopping) reject(new Error("relay stopping"));
        else resolve();
      }
    });

  async function handle({
    topic,
    partition,
    message,
    heartbeat,
  }: EachMessagePayload): Promise<void> {
    const next = { topic, partition, offset: (BigInt(message.offset) + 1n).toString() };
    let event: CloudEvent<unknown>;
    try {
      event = recordToCloudEvent(message, topic, partition, source);
    } catch (error) {
      logger.error(
        { err: error, topic, partition, offset: message.offset },
        "record is not a valid CloudEvent, discarded",
      );
      await consumer.commitOffsets([next]);
      return;
    }
    const records = headerStrings(message.headers);
    const trace = {
      ...(records.traceparent ? { traceparent: records.traceparent } : {}),
      ...(records.tracestate ? { tracestate: records.tracestate } : {}),
    };
    const result = await deliver(options.sink, event, trace, options, async (ms) => {
      await wait(ms);
      await heartbeat();
    });
    const fields = {
      event_id: event.id,
      subject: event.subject,
      partition,
      offset: message.offset,
      attempts: result.attempts,
      status: result.status,
    };
    if (result.ok) logger.info(fields, "event delivered");
    else await deadLetter(event, result, fields);
    await consumer.commitOffsets([next]);
  }

  async function deadLetter(
    event: CloudEvent<unknown>,
    result: Extract<DeliveryResult, { ok: false }>,
    fields: object,
  ): Promise<void> {
    if (!options.deadLetterTopic) {
      logger.error(
        { ...fields, error: result.error },
        "event delivery failed; no dead-letter topic, dropped",
      );
      return;
    }
    const failed = event.cloneWith(
      {
        knativeerrordest: options.sink,
        ...(result.status !== undefined ? { knativeerrorcode: String(result.status) } : {}),
        ...(result.body && result.body.length > 0
          ? { knativeerrordata: result.body.subarray(0, ERROR_DATA_MAX_BYTES).toString("base64") }
          : {}),
      },
      false,
    );
    await producer.send({
      topic: options.deadLetterTopic,
      acks: -1,
      messages: [cloudEventToRecord(failed)],
    });
    logger.warn(
      { ...fields, error: result.error, dead_letter_topic: options.deadLetterTopic },
      "event delivery failed, sent to the dead-letter topic",
    );
  }

  // The cluster's topics are Strimzi KafkaTopics; here the relay makes sure they exist, since
  // subscribing to a topic nobody has written to yet fails.
  const admin = kafka.admin();
  await admin.connect();
  const topics = [options.topic, ...(options.deadLetterTopic ? [options.deadLetterTopic] : [])];
  await admin.createTopics({ topics: topics.map((topic) => ({ topic })), waitForLeaders: true });
  await admin.disconnect();
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning });
  await consumer.run({ autoCommit: false, partitionsConsumedConcurrently: 1, eachMessage: handle });
  logger.info(
    { topic: options.topic, group_id: options.groupId, sink: options.sink },
    "kafka relay running",
  );

  return {
    async stop() {
      stopping = true;
      for (const wake of wakeUps) wake();
      await consumer
        .disconnect()
        .catch((error) => logger.warn({ err: error }, "consumer disconnect failed"));
      await producer.disconnect().catch(() => undefined);
    },
  };
}
