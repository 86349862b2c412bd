import diagnostics from "node:diagnostics_channel";
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
} from "@opentelemetry/api";

/** The parts of undici's request object that its diagnostics channels expose. */
interface UndiciRequest {
  origin: string;
  method: string;
  path: string;
  headers: string | (string | string[])[];
  addHeader(name: string, value: string): unknown;
}

const PROPAGATED = new Set(["traceparent", "tracestate", "baggage"]);

/**
 * CLIENT spans for `fetch` (undici, which node:http instrumentation does not see), from
 * undici's diagnostics channels. The span's context replaces any `traceparent` the caller set,
 * so the remote server span is this span's child. The OTLP exporter uses node:http, so its own
 * requests never reach here.
 */
export function instrumentFetch(tracer: Tracer): void {
  const spans = new WeakMap<UndiciRequest, Span>();

  diagnostics.subscribe("undici:request:create", (message) => {
    const { request } = message as { request: UndiciRequest };
    const url = new URL(request.path, request.origin);
    const span = tracer.startSpan(request.method, {
      kind: SpanKind.CLIENT,
      attributes: {
        "http.request.method": request.method,
        "url.full": `${url.origin}${url.pathname}`,
        "server.address": url.hostname,
        "server.port": Number(url.port || (url.protocol === "https:" ? 443 : 80)),
      },
    });
    spans.set(request, span);
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), headers);
    removeHeaders(request, Object.keys(headers));
    for (const [name, value] of Object.entries(headers)) request.addHeader(name, value);
  });

  diagnostics.subscribe("undici:request:headers", (message) => {
    const { request, response } = message as {
      request: UndiciRequest;
      response: { statusCode: number };
    };
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute("http.response.status_code", response.statusCode);
    if (response.statusCode >= 400) {
      span.setAttribute("error.type", String(response.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  });

  diagnostics.subscribe("undici:request:trailers", (message) => {
    const { request } = message as { request: UndiciRequest };
    spans.get(request)?.end();
    spans.delete(request);
  });

  diagnostics.subscribe("undici:request:error", (message) => {
    const { request, error } = message as { request: UndiciRequest; error: Error };
    const span = spans.get(request);
    if (!span) return;
    span.recordException(error);
    span.setAttribute("error.type", (error as NodeJS.ErrnoException).code ?? error.name);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
    spans.delete(request);
  });
}

/** undici ≥ 6 keeps headers as a flat [name, value, …] array, undici 5 (Node 20.6) as one string. */
function removeHeaders(request: UndiciRequest, names: string[]): void {
  const drop = new Set(names.map((n) => n.toLowerCase()).filter((n) => PROPAGATED.has(n)));
  if (Array.isArray(request.headers)) {
    const kept: (string | string[])[] = [];
    for (let i = 0; i < request.headers.length; i += 2) {
      if (!drop.has(String(request.headers[i]).toLowerCase()))
        kept.push(request.headers[i]!, request.headers[i + 1]!);
    }
    request.headers.splice(0, request.headers.length, ...kept);
  } else if (typeof request.headers === "string") {
    request.headers = request.headers
      .split("\r\n")
      .filter((line) => !drop.has(line.slice(0, line.indexOf(":")).trim().toLowerCase()))
      .join("\r\n");
  }
}
