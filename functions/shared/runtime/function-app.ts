import { Hono, type Context } from "hono";
import { serverTelemetry } from "../telemetry/server-telemetry.ts";
import { receivedAttributes } from "./received-event.ts";
import { isDraining } from "./draining.ts";
import type { Logger } from "./logger.ts";
import { problemResponse } from "./problems.ts";

export interface FunctionAppOptions {
  logger: Logger;
  /** Checks that must pass for readiness; each throws while its dependency is unusable. */
  readinessChecks: Record<string, () => Promise<void>>;
  /**
   * The most of a structured CloudEvent's body read to find its traceparent before the route runs:
   * the route's own bodyLimit, which answers 413 past it.
   */
  maxBodyBytes: number;
}

const HEALTH_PATHS = ["/health/liveness", "/livez", "/health/readiness", "/readyz"];

/**
 * The Hono app every function starts from: health endpoints as Knative's function runtime
 * names them, a server span and request metrics per request, a body size limit, and one
 * error handler that turns failures into JSON.
 */
export function createFunctionApp(options: FunctionAppOptions): Hono {
  const app = new Hono();
  const { logger } = options;

  // A structured CloudEvent's traceparent is in its body: read through the same bounded buffer,
  // and parsed once for telemetry and the route.
  const readEvent = (c: Context) => receivedAttributes(c, options.maxBodyBytes);
  app.use("*", serverTelemetry({ ignorePaths: HEALTH_PATHS, readEvent }));
  app.get("/health/liveness", (c) => c.json({ status: "ok" }));
  app.get("/livez", (c) => c.json({ status: "ok" }));
  // The body names a failing check, not its message (paths, addresses); the log has the message,
  // once per change, since probes repeat every few seconds.
  const lastFailure = new Map<string, string>();
  const readiness = async () => {
    if (isDraining()) {
      return { ok: false, checks: { shutdown: "draining" } };
    }
    const checks: Record<string, string> = {};
    let ok = true;
    await Promise.all(
      Object.entries(options.readinessChecks).map(async ([name, check]) => {
        try {
          await check();
          checks[name] = "ok";
          lastFailure.delete(name);
        } catch (error) {
          ok = false;
          checks[name] = "unavailable";
          const message = error instanceof Error ? error.message : String(error);
          if (lastFailure.get(name) !== message)
            logger.warn({ check: name, err: error }, "readiness check failed");
          lastFailure.set(name, message);
        }
      }),
    );
    return { ok, checks };
  };
  for (const path of ["/health/readiness", "/readyz"]) {
    app.get(path, async (c) => {
      const { ok, checks } = await readiness();
      return c.json({ status: ok ? "ready" : "not ready", checks }, ok ? 200 : 503);
    });
  }

  app.onError((error, c) => {
    const response = problemResponse(c, error);
    if (response.status >= 500) logger.error({ err: error, path: c.req.path }, "request failed");
    else
      logger.info(
        {
          status: response.status,
          path: c.req.path,
          reason: error.message,
          ...(error.cause ? { cause: String(error.cause) } : {}),
        },
        "request rejected",
      );
    return response;
  });
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
