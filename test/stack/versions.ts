/** Pinned versions of the real servers the stack tests run against (see README.md). */
export const KAFKA_DEFAULT_VERSION = "4.4.0";
/** The newest 3.x, kept selectable with KAFKA_VERSION=3.9.2 to compare clients against it. */
export const KAFKA_LEGACY_VERSION = "3.9.2";
export const WEAVIATE_VERSION = "1.36.20";
export const MOTO_VERSION = "5.2.5";

export function kafkaVersion(): string {
  return process.env.KAFKA_VERSION?.trim() || KAFKA_DEFAULT_VERSION;
}
