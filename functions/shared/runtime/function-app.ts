import { Hono, type Context } from "hono";
import { serverTelemetry } from "../telemetry/server-telemetry.ts";
import { receivedAttributes } from "./received-event.ts";
import { HEALTH_PATHS } from "./health.ts";
import type { Logger } from "./logger.ts";
import { problemResponse } from "./problems.ts";

export interface FunctionAppOptions {
  logger: Logger;
  /**
   * The most of a structured CloudEvent's body read to find its traceparent before the route runs:
   * the route's own bodyLimit, which answers 413 past it.
   */
  maxBodyBytes: number;
}

/**
 * The Hono app every function starts from: a server span and request metrics per request, and
 * one error handler that turns failures into JSON. The runtime adds the health endpoints
 * (`healthRoutes`) from the dependencies the function declares.
 */
export function createFunctionApp(options: FunctionAppOptions): Hono {
  const app = new Hono();
  const { logger } = options;

  // A structured CloudEvent's traceparent is in its body: read through the same bounded buffer,
  // and parsed once for telemetry and the route.
  const readEvent = (c: Context) => receivedAttributes(c, options.maxBodyBytes);
  app.use("*", serverTelemetry({ ignorePaths: HEALTH_PATHS, readEvent }));

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
