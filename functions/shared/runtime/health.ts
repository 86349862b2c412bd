import { Hono } from "hono";
import { checkOrder, type Dependencies, readinessChecks, readyEach } from "./dependencies.ts";
import { isDraining } from "./draining.ts";
import type { Logger } from "./logger.ts";

/** Probed every few seconds: neither traced nor counted. */
export const HEALTH_PATHS = ["/health/liveness", "/livez", "/health/readiness", "/readyz"];

export interface HealthOptions {
  /** The function's dependencies: each one that can say whether it is ready is a check. */
  dependencies: Dependencies;
  logger: Logger;
}

/**
 * The health endpoints as Knative's function runtime names them. Readiness is 503 while draining
 * or while a dependency is not ready; its body names each check, not its message (paths,
 * addresses): the log has the message, once per change, since probes repeat every few seconds.
 */
export function healthRoutes(options: HealthOptions): Hono {
  const { dependencies, logger } = options;
  checkOrder(dependencies);
  const checked = readinessChecks(dependencies);
  const lastFailure = new Map<string, string>();

  const readiness = async () => {
    if (isDraining()) return { ok: false, checks: { shutdown: "draining" } };
    const checks: Record<string, string> = {};
    let ok = true;
    const results = await Promise.all(
      readyEach(dependencies, checked).map(([name, ready]) =>
        ready.then(
          () => ({ name, ok: true as const }),
          (error: unknown) => ({ name, ok: false as const, error }),
        ),
      ),
    );
    for (const result of results) {
      const { name } = result;
      if (result.ok) {
        checks[name] = "ok";
        lastFailure.delete(name);
        continue;
      }
      ok = false;
      checks[name] = "unavailable";
      const message = result.error instanceof Error ? result.error.message : String(result.error);
      if (lastFailure.get(name) !== message)
        logger.warn({ check: name, err: result.error }, "readiness check failed");
      lastFailure.set(name, message);
    }
    return { ok, checks };
  };

  const app = new Hono();
  app.get("/health/liveness", (c) => c.json({ status: "ok" }));
  app.get("/livez", (c) => c.json({ status: "ok" }));
  for (const path of ["/health/readiness", "/readyz"]) {
    app.get(path, async (c) => {
      const { ok, checks } = await readiness();
      return c.json({ status: ok ? "ready" : "not ready", checks }, ok ? 200 : 503);
    });
  }
  return app;
}
