import type { Admin, Consumer, Kafka } from "kafkajs";
import { headerStrings } from "./kafka-record.ts";

interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/**
 * The ids of the CloudEvents on a dead-letter topic (where Knative's KafkaSource sends what its
 * sink refused or never took). An empty or missing topic, the usual case, costs a metadata and an
 * offsets request; otherwise a consumer of its own, started on first need and kept, reads the
 * topic from the beginning, and each question waits until it has read up to the topic's end as the
 * question found it.
 */
export class KafkaDeadLetters {
  private readonly ids = new Set<string>();
  /** Per partition, the offset after the last record read. */
  private readonly positions = new Map<number, bigint>();
  private readonly waiters = new Set<() => void>();
  private admin: Admin | undefined;
  private consumer: Consumer | undefined;
  private consuming: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly groupId: string,
  ) {}

  async has(eventId: string): Promise<boolean> {
    const end = await this.topicEnd();
    if (this.unread(end).length > 0) {
      await this.startConsuming();
      await new Promise<void>((resolve) => {
        const check = () => {
          if (this.unread(end).length > 0) return;
          this.waiters.delete(check);
          resolve();
        };
        this.waiters.add(check);
        check();
      });
    }
    return this.ids.has(eventId);
  }

  async close(): Promise<void> {
    await Promise.all([this.consumer?.disconnect(), this.admin?.disconnect()]).catch(
      () => undefined,
    );
  }

  /** A topic that does not exist yet holds no dead letters. */
  private async topicEnd(): Promise<PartitionOffsets[]> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    const topics = await this.admin.listTopics();
    return topics.includes(this.topic) ? this.admin.fetchTopicOffsets(this.topic) : [];
  }

  private unread(end: PartitionOffsets[]): PartitionOffsets[] {
    return end.filter(({ partition, low, high }) => {
      const read = this.positions.get(partition) ?? BigInt(low);
      return BigInt(high) > (read > BigInt(low) ? read : BigInt(low));
    });
  }

  private startConsuming(): Promise<void> {
    this.consuming ??= (async () => {
      // No offsets are committed: each process reads the whole topic, and its group is dropped.
      const consumer = this.kafka.consumer({ groupId: this.groupId });
      this.consumer = consumer;
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const headers = headerStrings(message.headers);
          const id = headers.ce_id ?? structuredId(message.value);
          if (id) this.ids.add(id);
          this.positions.set(partition, BigInt(message.offset) + 1n);
          for (const waiter of this.waiters) waiter();
        },
      });
    })().catch((error: unknown) => {
      this.consuming = undefined;
      this.consumer = undefined;
      throw error;
    });
    return this.consuming;
  }
}

/** The id of a structured-mode record (the whole event as JSON in the value). */
function structuredId(value: Buffer | null): string | undefined {
  if (!value) return undefined;
  try {
    const event = JSON.parse(value.toString("utf8")) as { id?: unknown };
    return typeof event.id === "string" ? event.id : undefined;
  } catch {
    return undefined;
  }
}
