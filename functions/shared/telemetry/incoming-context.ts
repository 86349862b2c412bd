import {
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Link,
  type TextMapGetter,
} from "@opentelemetry/api";
import { cloudEventMode } from "../domain/cloudevent-mode.ts";

export interface IncomingContext {
  /** Parent of the server span. */
  parent: Context;
  /** A delivery's own trace, when it differs from the event's. */
  links: Link[];
  trigger: "http" | "pubsub";
  /** The CloudEvent id, for `faas.invocation_id`. */
  invocationId?: string;
}

const headersGetter: TextMapGetter<Headers> = {
  keys: (headers) => {
    const names: string[] = [];
    headers.forEach((_, name) => names.push(name));
    return names;
  },
  get: (headers, key) => headers.get(key) ?? undefined,
};

/**
 * Where a request's trace continues from. Plain HTTP: its `traceparent`. A CloudEvent (binary
 * `ce-traceparent` header or structured body's `traceparent`): the event's Distributed Tracing
 * extension wins, because it was written inside the producer span, whereas the HTTP
 * `traceparent` of a delivery belongs to whoever delivered it (the eventing data plane).
 * When the two are different traces, the delivery's becomes a link.
 */
export async function incomingContext(
  headers: Headers,
  readEvent: () => Promise<Record<string, unknown> | undefined>,
): Promise<IncomingContext> {
  const fromHttp = propagation.extract(ROOT_CONTEXT, headers, headersGetter);
  const event = await eventTraceFields(headers, readEvent);
  if (!event) return { parent: fromHttp, links: [], trigger: "http" };
  const invocation = event.id ? { invocationId: event.id } : {};
  if (!event.traceparent) return { parent: fromHttp, links: [], trigger: "pubsub", ...invocation };

  const carrier = {
    traceparent: event.traceparent,
    ...(event.tracestate ? { tracestate: event.tracestate } : {}),
  };
  const fromEvent = propagation.extract(ROOT_CONTEXT, carrier);
  const eventSpan = trace.getSpanContext(fromEvent);
  if (!eventSpan || !trace.isSpanContextValid(eventSpan))
    return { parent: fromHttp, links: [], trigger: "pubsub", ...invocation };
  const httpSpan = trace.getSpanContext(fromHttp);
  const links =
    httpSpan && trace.isSpanContextValid(httpSpan) && httpSpan.traceId !== eventSpan.traceId
      ? [{ context: httpSpan }]
      : [];
  // Baggage still comes from the HTTP request; only the span context is the event's.
  return {
    parent: trace.setSpanContext(fromHttp, eventSpan),
    links,
    trigger: "pubsub",
    ...invocation,
  };
}

interface EventTraceFields {
  id?: string;
  traceparent?: string;
  tracestate?: string;
}

async function eventTraceFields(
  headers: Headers,
  readEvent: () => Promise<Record<string, unknown> | undefined>,
): Promise<EventTraceFields | undefined> {
  if (cloudEventMode(headers) === undefined) return undefined;
  // Unreadable (over the body limit, or not a JSON object): the handler answers for the event.
  const attributes = (await readEvent()) ?? {};
  const field = (name: string) =>
    typeof attributes[name] === "string" ? (attributes[name] as string) : undefined;
  return defined({
    id: field("id"),
    traceparent: field("traceparent"),
    tracestate: field("tracestate"),
  });
}

function defined(fields: Record<string, string | null | undefined>): EventTraceFields {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== null && v !== undefined && v !== ""),
  ) as EventTraceFields;
}
