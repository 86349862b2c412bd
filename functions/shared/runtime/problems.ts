import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type * as z from "zod";
import { DependencyError, DependencyRejected } from "./dependency-error.ts";
import { currentTraceId } from "../telemetry/spans.ts";

/** Every error response's body: the caller's mistakes carry `issues`, dependencies' failures the rest. */
export interface Problem {
  error: string;
  issues?: { path: string; message: string }[];
  dependency?: string;
  retryable?: boolean;
  trace_id?: string;
}

/**
 * A request the function refuses: Hono's HTTPException with the issues a validation failure
 * lists, answered as `{error, issues?}` with its 4xx status (as is any HTTPException Hono throws).
 */
export class HttpProblem extends HTTPException {
  override name = "HttpProblem";
  constructor(
    status: ContentfulStatusCode,
    message: string,
    readonly issues?: Problem["issues"],
  ) {
    super(status, { message });
  }
}

export function validationProblem(error: z.ZodError, what = "request body"): HttpProblem {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return new HttpProblem(400, `invalid ${what}: ${summary}`, issues);
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what?: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(result.error, what);
  return result.data;
}

/**
 * Error responses: 4xx for the caller's mistakes, 503 + Retry-After for dependencies, 422 for what
 * a dependency refused for good, 500 otherwise. A dependency's body says what failed, never where
 * or why in the server's words (paths, internal URLs, a dependency's message): that detail is
 * logged with the trace id the body carries.
 */
export function problemResponse(c: Context, error: unknown) {
  if (error instanceof HTTPException) {
    const issues = error instanceof HttpProblem ? error.issues : undefined;
    return c.json(
      { error: error.message, ...(issues ? { issues } : {}) } satisfies Problem,
      error.status as ContentfulStatusCode,
    );
  }
  const traceId = currentTraceId();
  const trace = traceId ? { trace_id: traceId } : {};
  if (error instanceof DependencyError) {
    c.header("Retry-After", String(error.retryAfterSeconds));
    return c.json(
      {
        error: `${error.dependency} is unavailable; retry later`,
        dependency: error.dependency,
        retryable: true,
        ...trace,
      } satisfies Problem,
      503,
    );
  }
  if (error instanceof DependencyRejected) {
    return c.json(
      {
        error: error.message,
        dependency: error.dependency,
        retryable: false,
        ...trace,
      } satisfies Problem,
      422,
    );
  }
  return c.json({ error: "internal error", retryable: true, ...trace } satisfies Problem, 500);
}

/** The request's media type, lower-cased, without parameters; "" when absent. */
export function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The body as JSON: 415 for another declared content type, 400 when it does not parse. */
export async function readJson(c: Context): Promise<unknown> {
  const type = mediaType(c);
  if (type !== "" && type !== "application/json")
    throw new HttpProblem(415, `unsupported content-type "${type}"; send application/json`);
  try {
    return await c.req.json();
  } catch {
    throw new HttpProblem(400, "request body is not valid JSON");
  }
}
