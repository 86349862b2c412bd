import { context, SpanKind, SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { isTelemetryActive } from "./active.ts";
import { getInstruments } from "./instruments.ts";
import { incomingContext } from "./incoming-context.ts";

export interface ServerTelemetryOptions {
  /** Paths that get neither spans nor metrics: probes every few seconds would drown the traces. */
  ignorePaths: string[];
  /**
   * The context attributes of the request's CloudEvent, to find its `traceparent`; undefined when
   * they cannot be read (a body over the limit, or not a JSON object). Must never read past the
   * route's body limit.
   */
  readEvent: (c: Context) => Promise<Record<string, unknown> | undefined>;
}

let invoked = false;

/**
 * A SERVER span per request, named `METHOD /route`, with `http.*` and `faas.*` attributes
 * (`faas.coldstart` on the first invocation of the process), and the request metrics:
 * `http.server.request.duration`, `faas.invocations`, `faas.errors`, `faas.coldstarts`.
 */
export function serverTelemetry(options: ServerTelemetryOptions): MiddlewareHandler {
  const ignored = new Set(options.ignorePaths);
  return async (c, next) => {
    if (!isTelemetryActive() || ignored.has(c.req.path)) return next();
    const started = performance.now();
    const coldstart = !invoked;
    invoked = true;
    const incoming = await incomingContext(c.req.raw.headers, () => options.readEvent(c));
    const url = new URL(c.req.url);
    const method = c.req.method;
    const attributes: Attributes = {
      "http.request.method": method,
      "url.path": url.pathname,
      "url.scheme": url.protocol.replace(":", ""),
      "server.address": url.hostname,
      "faas.trigger": incoming.trigger,
      "faas.coldstart": coldstart,
    };
    if (url.port) attributes["server.port"] = Number(url.port);
    const userAgent = c.req.header("user-agent");
    if (userAgent) attributes["user_agent.original"] = userAgent;
    if (incoming.invocationId) attributes["faas.invocation_id"] = incoming.invocationId;

    const tracer = trace.getTracer("knative-rag");
    const span = tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes, links: incoming.links },
      incoming.parent,
    );
    try {
      await context.with(trace.setSpan(incoming.parent, span), next);
    } finally {
      const route = routePath(c, -1);
      const status = c.res.status;
      if (route && route !== "*") {
        span.updateName(`${method} ${route}`);
        span.setAttribute("http.route", route);
      }
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) {
        span.setAttribute("error.type", c.error?.name ?? String(status));
        if (c.error) span.recordException(c.error);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
      recordRequest({
        method,
        route,
        status,
        trigger: incoming.trigger,
        coldstart,
        seconds: (performance.now() - started) / 1000,
      });
    }
  };
}

function recordRequest(r: {
  method: string;
  route: string;
  status: number;
  trigger: string;
  coldstart: boolean;
  seconds: number;
}): void {
  const instruments = getInstruments();
  const http: Attributes = {
    "http.request.method": r.method,
    "http.response.status_code": r.status,
  };
  if (r.route && r.route !== "*") http["http.route"] = r.route;
  if (r.status >= 500) http["error.type"] = String(r.status);
  instruments.httpServerDuration.record(r.seconds, http);
  const faas = { "faas.trigger": r.trigger };
  instruments.invocations.add(1, faas);
  if (r.status >= 500) instruments.errors.add(1, faas);
  if (r.coldstart) instruments.coldstarts.add(1, faas);
}

/** Process start → ready to serve, recorded once when the server listens. */
export function recordInitDuration(): void {
  getInstruments().initDuration.record(performance.now() / 1000);
}
