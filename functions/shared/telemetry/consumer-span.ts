import { SpanKind } from "@opentelemetry/api";
import type { CloudEvent } from "cloudevents";
import type { SpanOptions } from "./spans.ts";

/** Where a consumed event came from: `messaging.system` ("kafka", "http") and the topic or URL. */
export interface ConsumedFrom {
  system: string;
  destination: string;
}

/** A CONSUMER span's kind and attributes for processing one CloudEvent (messaging and CloudEvents semconv). */
export function consumerSpanOptions(event: CloudEvent<unknown>, from: ConsumedFrom): SpanOptions {
  return {
    kind: SpanKind.CONSUMER,
    attributes: {
      "messaging.system": from.system,
      "messaging.destination.name": from.destination,
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.message.id": event.id,
      "cloudevents.event_id": event.id,
      "cloudevents.event_source": event.source,
      "cloudevents.event_type": event.type,
      ...(event.subject ? { "cloudevents.event_subject": event.subject } : {}),
    },
  };
}
