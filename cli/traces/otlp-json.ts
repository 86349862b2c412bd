/**
 * Decodes the OTLP/JSON export requests that @opentelemetry/exporter-*-otlp-http send
 * (ExportTraceServiceRequest, ExportMetricsServiceRequest) into flat records.
 * Ids may be hex (the OTLP/JSON rule) or base64 (protobuf's JSON mapping); integers and
 * nanosecond times may be numbers or strings.
 */

export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

export interface StoredSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  kind: "internal" | "server" | "client" | "producer" | "consumer" | "unspecified";
  service: string;
  /** The emitting process (`faas.instance`, else `service.instance.id`), when the resource names it. */
  instance?: string;
  /** `service.version` (a Knative revision), when the resource names it. */
  version?: string;
  /** Milliseconds since the epoch (sub-millisecond precision kept as a fraction). */
  start_ms: number;
  duration_ms: number;
  status: "unset" | "ok" | "error";
  status_message?: string;
  attributes: Record<string, AttributeValue>;
  links: { trace_id: string; span_id: string }[];
  events: { name: string; attributes: Record<string, AttributeValue> }[];
}

export interface StoredMetric {
  service: string;
  name: string;
  unit: string;
  type: "sum" | "gauge" | "histogram" | "exponential_histogram" | "summary";
  points: {
    attributes: Record<string, AttributeValue>;
    value?: number;
    count?: number;
    sum?: number;
    exemplars: number;
  }[];
}

export class OtlpDecodeError extends Error {
  override name = "OtlpDecodeError";
}

type Json = Record<string, unknown>;
const KINDS = ["unspecified", "internal", "server", "client", "producer", "consumer"] as const;

export function decodeTraces(body: unknown): StoredSpan[] {
  const resourceSpans = arrayField(body, "resourceSpans");
  return resourceSpans.flatMap((rs) => {
    const resource = attributes(((rs.resource ?? {}) as Json).attributes);
    const service =
      typeof resource["service.name"] === "string" ? resource["service.name"] : "unknown_service";
    const instance = resource["faas.instance"] ?? resource["service.instance.id"];
    const version = resource["service.version"];
    const origin = {
      service,
      ...(typeof instance === "string" ? { instance } : {}),
      ...(typeof version === "string" ? { version } : {}),
    };
    return arrayField(rs, "scopeSpans").flatMap((ss) =>
      arrayField(ss, "spans").map((span) => decodeSpan(span, origin)),
    );
  });
}

export function decodeMetrics(body: unknown): StoredMetric[] {
  return arrayField(body, "resourceMetrics").flatMap((rm) => {
    const service = serviceName(rm);
    return arrayField(rm, "scopeMetrics").flatMap((sm) =>
      arrayField(sm, "metrics").map((metric) => decodeMetric(metric, service)),
    );
  });
}

function decodeSpan(
  span: Json,
  origin: Pick<StoredSpan, "service" | "instance" | "version">,
): StoredSpan {
  const traceId = id(span.traceId, 16, "traceId");
  const spanId = id(span.spanId, 8, "spanId");
  if (typeof span.name !== "string")
    throw new OtlpDecodeError(`span ${spanId}: name must be a string`);
  const start = nanos(span.startTimeUnixNano);
  const end = nanos(span.endTimeUnixNano);
  const parent = span.parentSpanId ? id(span.parentSpanId, 8, "parentSpanId") : undefined;
  const status = (span.status ?? {}) as Json;
  const code =
    status.code === 2 || status.code === "STATUS_CODE_ERROR"
      ? "error"
      : status.code === 1 || status.code === "STATUS_CODE_OK"
        ? "ok"
        : "unset";
  return {
    trace_id: traceId,
    span_id: spanId,
    ...(parent && !/^0+$/.test(parent) ? { parent_span_id: parent } : {}),
    name: span.name,
    kind: spanKind(span.kind),
    ...origin,
    start_ms: Number(start / 1000n) / 1000,
    duration_ms: Number(end - start) / 1e6,
    status: code,
    ...(typeof status.message === "string" && status.message
      ? { status_message: status.message }
      : {}),
    attributes: attributes(span.attributes),
    links: optionalArray(span.links).map((link) => ({
      trace_id: id(link.traceId, 16, "link traceId"),
      span_id: id(link.spanId, 8, "link spanId"),
    })),
    events: optionalArray(span.events).map((event) => ({
      name: String(event.name ?? ""),
      attributes: attributes(event.attributes),
    })),
  };
}

function decodeMetric(metric: Json, service: string): StoredMetric {
  const type = (["sum", "gauge", "histogram", "exponentialHistogram", "summary"] as const).find(
    (t) => metric[t] !== undefined,
  );
  if (!type || typeof metric.name !== "string")
    throw new OtlpDecodeError(
      "a metric needs a name and one of sum, gauge, histogram, exponentialHistogram, summary",
    );
  const points = optionalArray((metric[type] as Json).dataPoints).map((p) => ({
    attributes: attributes(p.attributes),
    ...(p.asDouble !== undefined || p.asInt !== undefined
      ? { value: Number(p.asDouble ?? p.asInt) }
      : {}),
    ...(p.count !== undefined ? { count: Number(p.count) } : {}),
    ...(p.sum !== undefined ? { sum: Number(p.sum) } : {}),
    exemplars: optionalArray(p.exemplars).length,
  }));
  return {
    service,
    name: metric.name,
    unit: typeof metric.unit === "string" ? metric.unit : "",
    type: type === "exponentialHistogram" ? "exponential_histogram" : type,
    points,
  };
}

function serviceName(resourceContainer: Json): string {
  const resource = (resourceContainer.resource ?? {}) as Json;
  const name = attributes(resource.attributes)["service.name"];
  return typeof name === "string" ? name : "unknown_service";
}

function attributes(list: unknown): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = {};
  for (const kv of optionalArray(list)) {
    if (typeof kv.key === "string") result[kv.key] = anyValue(kv.value);
  }
  return result;
}

function anyValue(value: unknown): AttributeValue {
  if (!value || typeof value !== "object") return null;
  const v = value as Json;
  if (v.stringValue !== undefined) return String(v.stringValue);
  if (v.boolValue !== undefined) return Boolean(v.boolValue);
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return optionalArray((v.arrayValue as Json).values).map(anyValue);
  if (v.kvlistValue !== undefined) return attributes((v.kvlistValue as Json).values);
  if (v.bytesValue !== undefined) return String(v.bytesValue);
  return null;
}

function spanKind(kind: unknown): StoredSpan["kind"] {
  if (typeof kind === "number") return KINDS[kind] ?? "unspecified";
  if (typeof kind === "string") {
    const name = kind.replace(/^SPAN_KIND_/, "").toLowerCase();
    return (KINDS as readonly string[]).includes(name)
      ? (name as StoredSpan["kind"])
      : "unspecified";
  }
  return "unspecified";
}

function id(value: unknown, bytes: number, what: string): string {
  if (typeof value !== "string") throw new OtlpDecodeError(`${what} must be a string`);
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(value)) return value.toLowerCase();
  const decoded = Buffer.from(value, "base64");
  if (decoded.length === bytes) return decoded.toString("hex");
  throw new OtlpDecodeError(
    `${what} "${value}" is neither ${bytes * 2} hex digits nor ${bytes} base64 bytes`,
  );
}

function nanos(value: unknown): bigint {
  if (typeof value === "string" && /^\d+$/.test(value)) return BigInt(value);
  if (typeof value === "number" && Number.isFinite(value)) return BigInt(Math.round(value));
  throw new OtlpDecodeError(`time "${String(value)}" is not a count of nanoseconds`);
}

function arrayField(container: unknown, field: string): Json[] {
  if (!container || typeof container !== "object")
    throw new OtlpDecodeError(`expected an object with "${field}"`);
  const value = (container as Json)[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`"${field}" must be an array`);
  return value as Json[];
}

function optionalArray(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}
