import type { Context } from "hono";
import { DependencyError } from "../../shared/runtime/dependency-error.ts";
import { HttpProblem } from "../../shared/runtime/problems.ts";
import { currentTraceHeaders } from "../../shared/telemetry/trace-context.ts";

export interface IngestProxyOptions {
  /** Base URL of the ingest function; undefined answers 501 "not configured". */
  ingestUrl?: string;
  timeoutMs: number;
}

/**
 * Request headers that carry meaning for ingest; everything else (cookies) stays here. The API key
 * goes on: ingest checks it again and decides which namespaces it may write.
 */
const FORWARDED_HEADERS = ["content-type", "content-length", "idempotency-key", "authorization"];

/**
 * `POST /api/ingest` → `POST $INGEST_URL/ingest`, so the page's browser talks to one origin.
 * The body is streamed, not buffered: ingest owns the document size limit and its 4xx answers
 * come back to the page unchanged.
 */
export function ingestProxy(options: IngestProxyOptions): (c: Context) => Promise<Response> {
  return async (c) => {
    if (!options.ingestUrl) {
      throw new HttpProblem(
        501,
        "adding documents is not configured: set INGEST_URL on the search service",
      );
    }
    const target = new URL("/ingest", options.ingestUrl);
    target.search = new URL(c.req.url).search;
    let response: Response;
    try {
      response = await fetch(target, {
        method: "POST",
        headers: forwardedHeaders(c),
        body: c.req.raw.body,
        // Node's fetch needs this to stream a request body.
        duplex: "half",
        signal: AbortSignal.timeout(options.timeoutMs),
      } as RequestInit);
    } catch (error) {
      const reason =
        error instanceof Error && error.name === "TimeoutError"
          ? `no answer within ${options.timeoutMs} ms`
          : describe(error);
      throw new DependencyError("ingest", `unreachable at ${target.origin}: ${reason}`, {
        cause: error,
      });
    }
    return new Response(response.body, {
      status: response.status,
      headers: pick(response.headers, ["content-type", "retry-after"]),
    });
  };
}

function forwardedHeaders(c: Context): Headers {
  const headers = pick(c.req.raw.headers, FORWARDED_HEADERS);
  // With an OpenTelemetry SDK this is the active context; without one the caller's passes through as it came.
  const active = currentTraceHeaders();
  const traceparent = active.traceparent ?? c.req.header("traceparent");
  const tracestate = active.traceparent ? active.tracestate : c.req.header("tracestate");
  if (traceparent) headers.set("traceparent", traceparent);
  if (tracestate) headers.set("tracestate", tracestate);
  return headers;
}

function pick(source: Headers, names: string[]): Headers {
  const picked = new Headers();
  for (const name of names) {
    const value = source.get(name);
    if (value !== null) picked.set(name, value);
  }
  return picked;
}

function describe(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
