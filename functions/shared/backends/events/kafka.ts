import { randomUUID } from "node:crypto";
import type { CloudEvent } from "cloudevents";
import { Kafka, logLevel, type LogEntry, type Producer } from "kafkajs";
import type { Logger } from "../../runtime/logger.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { KafkaDeadLetters } from "./kafka-dead-letters.ts";
import { cloudEventToRecord } from "./kafka-record.ts";

export interface KafkaPublisherOptions {
  brokers: string[];
  topic: string;
  /** Where the KafkaSource dead-letters this topic's events; none: never ask. */
  deadLetterTopic: string | undefined;
  clientId: string;
  logger: Logger;
  /** Upper bound for one publish, retries included: a down broker costs a 503, never a hang. */
  publishTimeoutMs: number;
}

/**
 * Publishes CloudEvents to Kafka in binary content mode (see kafka-record.ts). Idempotent
 * producer, acks=all: `publish` resolves once every in-sync replica has the record.
 */
export class KafkaPublisher implements EventPublisher {
  readonly system = "kafka";
  readonly destination: string;
  private readonly kafka: Kafka;
  private producer: Producer;
  private connecting: Promise<void> | undefined;
  private readonly deadLetters: KafkaDeadLetters | undefined;

  constructor(private readonly options: KafkaPublisherOptions) {
    this.destination = options.topic;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
      // kafkajs logs every failed reconnect; the request that failed is logged once as a 503 anyway.
      logLevel: logLevel.ERROR,
      logCreator: () => (entry: LogEntry) =>
        options.logger.debug(
          { kafkajs: entry.log, namespace: entry.namespace },
          `kafkajs: ${entry.log.message}`,
        ),
    });
    this.producer = this.newProducer();
    this.deadLetters = options.deadLetterTopic
      ? new KafkaDeadLetters(
          this.kafka,
          options.deadLetterTopic,
          `${options.clientId}-dead-letters-${randomUUID()}`,
        )
      : undefined;
  }

  async publish<T>(event: CloudEvent<T>): Promise<void> {
    const { key, value, headers } = cloudEventToRecord(event);
    const record = {
      key,
      value,
      headers,
      ...(event.time ? { timestamp: String(Date.parse(event.time)) } : {}),
    };
    await this.withTimeout(async () => {
      await this.connect();
      await this.producer.send({ topic: this.options.topic, acks: -1, messages: [record] });
    });
  }

  /** Whether the event is on the dead-letter topic, read up to its end (bounded like a publish). */
  async isDeadLettered(eventId: string): Promise<boolean> {
    if (!this.deadLetters) return false;
    return settleWithin(
      this.deadLetters.has(eventId),
      this.options.publishTimeoutMs,
      `no answer from dead-letter topic ${this.options.deadLetterTopic}`,
    );
  }

  ready(): Promise<void> {
    return this.withTimeout(() => this.connect());
  }

  async close(): Promise<void> {
    await Promise.all([
      this.producer.disconnect().catch(() => undefined),
      this.deadLetters?.close(),
    ]);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch(async (error: unknown) => {
      await this.reset();
      throw error;
    });
    return this.connecting;
  }

  /** After a failure, start over with a fresh producer on the next call. */
  private async reset(): Promise<void> {
    const old = this.producer;
    this.producer = this.newProducer();
    this.connecting = undefined;
    await old.disconnect().catch(() => undefined);
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
    });
  }

  private async withTimeout(operation: () => Promise<void>): Promise<void> {
    try {
      await settleWithin(
        operation(),
        this.options.publishTimeoutMs,
        "no acknowledgement from Kafka",
      );
    } catch (error) {
      await this.reset();
      throw error;
    }
  }
}

/** `promise`, or a rejection naming what did not come once `ms` have passed. */
async function settleWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
