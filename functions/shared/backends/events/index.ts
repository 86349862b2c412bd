import { resolve } from "node:path";
import * as z from "zod";
import {
  enumVar,
  intVar,
  optionalUrl,
  renamedVar,
  type Settings,
  stringVar,
} from "../../config/env.ts";
import { requireSetting, type RuntimeConfig } from "../../config/runtime.ts";
import type { Logger } from "../../runtime/logger.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { HttpSpoolPublisher } from "./http-spool.ts";

export type { EventPublisher } from "./event-publisher.ts";

export const eventsEnv = {
  EVENT_PUBLISHER: enumVar(["http", "kafka"], "http"),
  EVENT_TRANSPORT: renamedVar("EVENT_PUBLISHER (how ingest publishes: http or kafka)"),
  K_SINK: optionalUrl(),
  KAFKA_BROKERS: z.preprocess(
    (v) =>
      v === "" || v === undefined
        ? undefined
        : String(v)
            .split(",")
            .map((b) => b.trim())
            .filter(Boolean),
    z
      .array(
        z
          .string()
          .regex(/^[^\s:]+:\d{1,5}$/, { message: "expected a comma-separated list of host:port" }),
      )
      .optional(),
  ),
  KAFKA_TOPIC: stringVar("documents"),
  KAFKA_DEAD_LETTER_TOPIC: stringVar("documents-dlq"),
  KAFKA_CLIENT_ID: stringVar("knative-rag-ingest"),
  KAFKA_PUBLISH_TIMEOUT_MS: intVar(10_000, 100),
  SPOOL_MAX_ATTEMPTS: intVar(10, 1, 1000),
  SPOOL_MAX_BACKOFF_MS: intVar(60_000, 10),
};

export type EventsConfig = Settings<typeof eventsEnv> & Pick<RuntimeConfig, "DATA_DIR">;

/** Where ingest spools its events (and keeps their dead letters) under DATA_DIR. */
export function ingestSpoolDir(dataDir: string): string {
  return resolve(dataDir, "spool", "ingest");
}

export async function createEventPublisher(
  config: EventsConfig,
  logger: Logger,
): Promise<EventPublisher> {
  switch (config.EVENT_PUBLISHER) {
    case "http":
      return new HttpSpoolPublisher({
        sink: requireSetting(
          config.K_SINK,
          "K_SINK",
          "EVENT_PUBLISHER=http (the URL index-document listens on)",
        ),
        spoolDir: ingestSpoolDir(config.DATA_DIR),
        logger,
        maxAttempts: config.SPOOL_MAX_ATTEMPTS,
        maxBackoffMs: config.SPOOL_MAX_BACKOFF_MS,
        minBackoffMs: Math.min(500, config.SPOOL_MAX_BACKOFF_MS),
      });
    case "kafka": {
      const { KafkaPublisher } = await import("./kafka.ts");
      return new KafkaPublisher({
        brokers: requireSetting(config.KAFKA_BROKERS, "KAFKA_BROKERS", "EVENT_PUBLISHER=kafka"),
        topic: config.KAFKA_TOPIC,
        deadLetterTopic:
          config.KAFKA_DEAD_LETTER_TOPIC === "none" ? undefined : config.KAFKA_DEAD_LETTER_TOPIC,
        clientId: config.KAFKA_CLIENT_ID,
        logger,
        publishTimeoutMs: config.KAFKA_PUBLISH_TIMEOUT_MS,
      });
    }
  }
}
