import type { CloudEvent } from "cloudevents";
import { Kafka, logLevel, type LogEntry, type Producer } from "kafkajs";
import type { Logger } from "../../runtime/logger.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { cloudEventToRecord } from "./kafka-record.ts";

export interface KafkaPublisherOptions {
  brokers: string[];
  topic: string;
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

  /** Dead letters are records on the dead-letter topic (documents-dlq), out of this producer's sight. */
  async isDeadLettered(): Promise<boolean> {
    return false;
  }

  ready(): Promise<void> {
    return this.withTimeout(() => this.connect());
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
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
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`no acknowledgement from Kafka within ${this.options.publishTimeoutMs} ms`),
          ),
        this.options.publishTimeoutMs,
      );
    });
    try {
      await Promise.race([operation(), timeout]);
    } catch (error) {
      await this.reset();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
