import type { Context } from "hono";
import { cloudEventMode } from "../domain/cloudevent-mode.ts";
import { bufferBody } from "./body-limit.ts";

/** A request's CloudEvent as it arrived, before any validation. */
export type ReceivedEvent =
  /** Its context attributes are the ce-* headers; the body is its data, read by the route. */
  | { mode: "binary"; attributes: Record<string, string> }
  /** Everything is in the body: `json` is the body parsed, or undefined when it is not JSON. */
  | { mode: "structured"; json: unknown };

declare module "hono" {
  interface ContextVariableMap {
    receivedEvent: Promise<ReceivedEvent> | undefined;
  }
}

/**
 * The request's CloudEvent, parsed once per request whoever reads it first: telemetry (for its
 * trace context, before the route runs) or the route. A structured event's body must be within
 * the route's limit already (`bufferBody`, `bodyLimit`): this reads it whole.
 */
export function receivedEvent(c: Context): Promise<ReceivedEvent> {
  let received = c.get("receivedEvent");
  if (received === undefined) {
    received = parseReceivedEvent(c);
    c.set("receivedEvent", received);
  }
  return received;
}

async function parseReceivedEvent(c: Context): Promise<ReceivedEvent> {
  if (cloudEventMode(c.req.raw.headers) === "binary")
    return { mode: "binary", attributes: binaryAttributes(c.req.raw.headers) };
  const body = await c.req.text();
  try {
    return { mode: "structured", json: JSON.parse(body) };
  } catch {
    return { mode: "structured", json: undefined };
  }
}

/**
 * The context attributes of the request's event for telemetry, from the same parse as the route's:
 * undefined when a structured body is past `maxBytes` (never read beyond it) or not a JSON object.
 */
export async function receivedAttributes(
  c: Context,
  maxBytes: number,
): Promise<Record<string, unknown> | undefined> {
  if (cloudEventMode(c.req.raw.headers) !== "binary" && !(await bufferBody(c, maxBytes)))
    return undefined;
  const received = await receivedEvent(c);
  if (received.mode === "binary") return received.attributes;
  const { json } = received;
  return typeof json === "object" && json !== null && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : undefined;
}

function binaryAttributes(headers: Headers): Record<string, string> {
  const attributes: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith("ce-")) attributes[name.slice(3)] = value;
  });
  return attributes;
}
