// Dev-only: relays the documents topic to index-document as Knative's KafkaSource does in the
// cluster. Built to dist/dev/kafka-relay.mjs; never part of a function bundle or image.
import * as z from "zod";
import {
  ConfigError,
  enumVar,
  intVar,
  parseEnv,
  stringVar,
  urlVar,
} from "../../functions/shared/config/env.ts";
import { requireSetting } from "../../functions/shared/config/runtime.ts";
import { eventsEnv } from "../../functions/shared/backends/events/index.ts";
import { createLogger } from "../../functions/shared/runtime/logger.ts";
import { KAFKA_SOURCE_DELIVERY } from "./delivery.ts";
import { startKafkaRelay } from "./relay.ts";

const relayEnv = z.object({
  KAFKA_BROKERS: eventsEnv.KAFKA_BROKERS,
  KAFKA_TOPIC: stringVar("documents"),
  RELAY_SINK: urlVar(),
  // The KafkaSource's consumerGroup, so the lag looks the same locally and in the cluster.
  RELAY_GROUP_ID: stringVar("knative-rag-index-document"),
  // "none": failed events are logged and dropped, as Knative does without a deadLetterSink.
  RELAY_DEAD_LETTER_TOPIC: stringVar("documents-dlq"),
  // Defaults: the cluster's KafkaSource delivery, so local runs retry on the same schedule.
  RELAY_RETRY: intVar(KAFKA_SOURCE_DELIVERY.retry, 0, 100),
  RELAY_BACKOFF_DELAY_MS: intVar(KAFKA_SOURCE_DELIVERY.backoffDelayMs, 1),
  RELAY_TIMEOUT_MS: intVar(KAFKA_SOURCE_DELIVERY.timeoutMs, 100),
  RELAY_INITIAL_OFFSET: enumVar(["earliest", "latest"], "earliest"),
  LOG_LEVEL: enumVar(["trace", "debug", "info", "warn", "error", "fatal", "silent"], "info"),
});

let config: z.infer<typeof relayEnv>;
try {
  config = parseEnv(relayEnv);
  requireSetting(config.KAFKA_BROKERS, "KAFKA_BROKERS", "running the Kafka relay");
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const logger = createLogger("kafka-relay", config.LOG_LEVEL);
const relay = await startKafkaRelay({
  brokers: config.KAFKA_BROKERS!,
  topic: config.KAFKA_TOPIC,
  groupId: config.RELAY_GROUP_ID,
  sink: config.RELAY_SINK,
  deadLetterTopic:
    config.RELAY_DEAD_LETTER_TOPIC === "none" ? undefined : config.RELAY_DEAD_LETTER_TOPIC,
  retry: config.RELAY_RETRY,
  backoffDelayMs: config.RELAY_BACKOFF_DELAY_MS,
  timeoutMs: config.RELAY_TIMEOUT_MS,
  fromBeginning: config.RELAY_INITIAL_OFFSET === "earliest",
  logger,
}).catch((error: unknown) => {
  logger.fatal({ err: error }, "kafka relay could not start");
  process.exit(1);
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "stopping");
    void relay.stop().then(() => process.exit(0));
  });
}
