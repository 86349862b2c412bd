/**
 * How an HTTP request carries a CloudEvent (CloudEvents HTTP binding): binary when a
 * `ce-specversion` header holds its attributes, structured when the body is the whole event
 * (`application/cloudevents+json`; media types are case-insensitive, RFC 9110), or not at all.
 * One answer for telemetry and the routes, so both read the same request the same way.
 */
export type CloudEventMode = "binary" | "structured";

const STRUCTURED_MEDIA_TYPE = "application/cloudevents+json";

export function cloudEventMode(headers: Headers): CloudEventMode | undefined {
  if (headers.has("ce-specversion")) return "binary";
  const contentType = (headers.get("content-type") ?? "").trimStart().toLowerCase();
  return contentType.startsWith(STRUCTURED_MEDIA_TYPE) ? "structured" : undefined;
}
