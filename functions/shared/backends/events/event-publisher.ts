import type { CloudEvent } from "cloudevents";

/** Hands CloudEvents to the next pipeline step; resolves only once the event is durable. */
export interface EventPublisher {
  /** `messaging.system` value, e.g. "kafka" or "http". */
  readonly system: string;
  /** `messaging.destination.name`: the topic or the sink URL. */
  readonly destination: string;
  publish<T>(event: CloudEvent<T>): Promise<void>;
  /**
   * Whether the event was given up on (dead-lettered) where this publisher can see it, so ingest
   * publishes a resubmitted document again (the spool's dead letters; Kafka's dead-letter topic).
   */
  isDeadLettered(eventId: string): Promise<boolean>;
  /**
   * Events accepted but not yet delivered, where the publisher holds them itself (the local
   * spool); absent where the backlog is the broker's (Kafka: consumer lag).
   */
  backlog?(): number;
  ready(): Promise<void>;
  close(): Promise<void>;
}
