import { type CloudEvent, HTTP, ValidationError } from "cloudevents";
import type { Context } from "hono";
import * as z from "zod";
import { cloudEventMode } from "../domain/cloudevent-mode.ts";
import { HttpProblem, validationProblem } from "./problems.ts";
import { receivedEvent } from "./received-event.ts";

/** The versions the SDK and the CloudEvents conformance vectors speak; 1.0 is the current one. */
const SPEC_VERSIONS = ["1.0", "0.3"] as const;

/** RFC 3339 date-time (the spec's Timestamp type), and a real date. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const required = (name: string) =>
  z
    .string({ message: `${name} is required (a non-empty string)` })
    .min(1, { message: `${name} must not be empty` });

/**
 * The context attributes every receiver must check (CloudEvents spec, "Required Attributes" and
 * "Type System"): the SDK's receiving side checks none of them: it invents a missing id, which
 * makes a resend a new event, and takes any specversion and any time.
 */
const contextAttributesSchema = z
  .object({
    specversion: z.enum(SPEC_VERSIONS, {
      message: `specversion must be one of ${SPEC_VERSIONS.map((v) => `"${v}"`).join(", ")}`,
    }),
    id: required("id"),
    source: required("source"),
    type: required("type"),
    time: z
      .string({ message: "time must be an RFC 3339 timestamp" })
      .refine((t) => RFC3339.test(t) && !Number.isNaN(Date.parse(t)), {
        message: "time must be an RFC 3339 timestamp",
      })
      .optional(),
    data_base64: z
      .string({ message: "data_base64 must be a base64 string" })
      .regex(BASE64, { message: "data_base64 must be a base64 string" })
      .optional(),
  })
  .catchall(z.unknown())
  .refine((event) => !("data" in event && "data_base64" in event), {
    message: "an event has data or data_base64, not both",
  })
  .refine((event) => Object.keys(event).every((name) => /^[a-z0-9_]+$/.test(name)), {
    message: "attribute names are lower-case letters and digits",
  });

/** True when the request carries a CloudEvent in binary (ce-* headers) or structured mode. */
export function isCloudEventRequest(c: Context): boolean {
  return cloudEventMode(c.req.raw.headers) !== undefined;
}

/** Reads a CloudEvent from an HTTP request per the CloudEvents HTTP binding; malformed → 400. */
export async function receiveCloudEvent(c: Context): Promise<CloudEvent<unknown>> {
  const received = await receivedEvent(c);
  validateAttributes(
    received.mode === "binary" ? received.attributes : structuredAttributes(received.json),
  );
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  // The SDK compares the media type case-sensitively.
  if (headers["content-type"]) headers["content-type"] = headers["content-type"].toLowerCase();
  // The SDK takes a structured event already parsed; any other body it reads as the event's data.
  const body =
    received.mode === "structured" && cloudEventMode(c.req.raw.headers) === "structured"
      ? received.json
      : await c.req.text();
  try {
    const event = HTTP.toEvent({ headers, body });
    if (Array.isArray(event))
      throw new HttpProblem(
        400,
        "batched CloudEvents are not accepted; send one event per request",
      );
    return event as CloudEvent<unknown>;
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    const detail =
      error instanceof ValidationError
        ? `${error.message} ${JSON.stringify(error.errors ?? [])}`
        : String(error);
    throw new HttpProblem(400, `malformed CloudEvent: ${detail}`);
  }
}

function structuredAttributes(json: unknown): Record<string, unknown> {
  if (json === undefined)
    throw new HttpProblem(400, "malformed CloudEvent: a structured event must be a JSON object");
  if (Array.isArray(json))
    throw new HttpProblem(400, "batched CloudEvents are not accepted; send one event per request");
  if (typeof json !== "object" || json === null)
    throw new HttpProblem(400, "malformed CloudEvent: a structured event must be a JSON object");
  return json as Record<string, unknown>;
}

function validateAttributes(attributes: Record<string, unknown>): void {
  const result = contextAttributesSchema.safeParse(attributes);
  if (!result.success) {
    const problem = validationProblem(result.error, "CloudEvent");
    throw new HttpProblem(
      400,
      problem.message.replace(/^invalid CloudEvent/, "malformed CloudEvent"),
      problem.issues,
    );
  }
}

/** The event's data as an object: binary mode with a JSON content type parses it already; strings and bytes may hold JSON. */
export function eventData(event: CloudEvent<unknown>): unknown {
  const data =
    event.data ?? (event.data_base64 ? Buffer.from(event.data_base64, "base64") : undefined);
  // The SDK decodes data_base64 into a Uint32Array of one element per byte; Buffer.from keeps each as a byte.
  const text = ArrayBuffer.isView(data) ? Buffer.from(data as Uint8Array).toString("utf8") : data;
  if (typeof text === "string") {
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpProblem(400, "CloudEvent data is not JSON");
    }
  }
  return text;
}
