import { CloudEvent, HTTP, ValidationError } from "cloudevents";
import type { Context } from "hono";
import { HttpProblem } from "./problems.ts";

const REQUIRED_BINARY_HEADERS = ["ce-id", "ce-source", "ce-type"];

/** True when the request carries a CloudEvent in binary (ce-* headers) or structured mode. */
export function isCloudEventRequest(c: Context): boolean {
  const contentType = c.req.header("content-type") ?? "";
  return c.req.header("ce-specversion") !== undefined || contentType.startsWith("application/cloudevents+json");
}

/** Reads a CloudEvent from an HTTP request per the CloudEvents HTTP binding; malformed → 400. */
export async function receiveCloudEvent(c: Context): Promise<CloudEvent<unknown>> {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  const body = await c.req.text();
  if (headers["ce-specversion"] !== undefined) {
    const missing = REQUIRED_BINARY_HEADERS.filter((name) => !headers[name]);
    if (missing.length > 0) throw new HttpProblem(400, `malformed CloudEvent: binary mode needs the ${missing.join(", ")} header(s)`);
  }
  try {
    const event = HTTP.toEvent({ headers, body });
    if (Array.isArray(event)) throw new HttpProblem(400, "batched CloudEvents are not accepted; send one event per request");
    return event as CloudEvent<unknown>;
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    const detail = error instanceof ValidationError ? `${error.message} ${JSON.stringify(error.errors ?? [])}` : String(error);
    throw new HttpProblem(400, `malformed CloudEvent: ${detail}`);
  }
}

/** The event's data as an object: binary mode with a JSON content type parses it already; strings may hold JSON. */
export function eventData(event: CloudEvent<unknown>): unknown {
  const data = event.data ?? (event.data_base64 ? Buffer.from(event.data_base64, "base64").toString("utf8") : undefined);
  if (typeof data === "string") {
    try {
      return JSON.parse(data);
    } catch {
      throw new HttpProblem(400, "CloudEvent data is not JSON");
    }
  }
  if (data instanceof Uint8Array) return eventData(new CloudEvent({ ...event, data: Buffer.from(data).toString("utf8") }, false));
  return data;
}
