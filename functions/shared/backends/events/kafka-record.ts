import { CloudEvent, Kafka as KafkaBinding } from "cloudevents";
import type { IHeaders, KafkaMessage } from "kafkajs";

/** A Kafka record's headers as strings (kafkajs hands them back as Buffers); the last value wins. */
export function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined)
      result[name.toLowerCase()] = Buffer.isBuffer(last) ? last.toString("utf8") : String(last);
  }
  return result;
}

/**
 * The CloudEvent a record holds (binary or structured mode, by the cloudevents Kafka binding);
 * a plain record is wrapped the way Knative's KafkaSource wraps one (type dev.knative.kafka.event).
 */
export function recordToCloudEvent(
  message: KafkaMessage,
  topic: string,
  partition: number,
  source: string,
): CloudEvent<unknown> {
  const headers = headerStrings(message.headers);
  // Media types are case-insensitive (RFC 9110); the binding compares them as written.
  if (headers["content-type"]) headers["content-type"] = headers["content-type"].toLowerCase();
  const key = message.key?.toString("utf8");
  const value = message.value?.toString("utf8") ?? "";
  if (headers.ce_id || headers["content-type"]?.startsWith("application/cloudevents")) {
    const event = KafkaBinding.toEvent({
      headers,
      key,
      value,
      body: value,
      timestamp: message.timestamp,
    } as never);
    if (Array.isArray(event))
      throw new Error("batched CloudEvents in one record are not supported");
    return event as CloudEvent<unknown>;
  }
  return new CloudEvent<unknown>({
    id: `partition:${partition}/offset:${message.offset}`,
    source: `${source}#${topic}`,
    type: "dev.knative.kafka.event",
    subject: `partition:${partition}#${message.offset}`,
    time: new Date(Number(message.timestamp)).toISOString(),
    ...(key ? { key } : {}),
    ...(headers["content-type"] ? { datacontenttype: headers["content-type"] } : {}),
    data: value,
  });
}

/**
 * A CloudEvent as a binary-mode Kafka record (cloudevents SDK Kafka binding): `ce_*` headers, the
 * partition key as the record key, data as JSON in the value (the binding leaves it unserialised).
 * Plain `traceparent`/`tracestate` headers carry the event's trace context too, because Knative's
 * KafkaSource dispatcher continues a trace only from those.
 */
export function cloudEventToRecord<T>(event: CloudEvent<T>): {
  key: string | null;
  value: string;
  headers: Record<string, string>;
} {
  const message = KafkaBinding.binary(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  const { traceparent, tracestate } = event as unknown as {
    traceparent?: unknown;
    tracestate?: unknown;
  };
  if (typeof traceparent === "string") headers.traceparent = traceparent;
  if (typeof tracestate === "string") headers.tracestate = tracestate;
  return {
    key: message.key === undefined ? null : String(message.key),
    value: typeof event.data === "string" ? event.data : JSON.stringify(event.data),
    headers,
  };
}
