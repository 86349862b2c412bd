import type { Hono } from "hono";
import * as z from "zod";
import { ConfigError, parseEnv, type Settings } from "../config/env.ts";
import { runtimeEnv, type RuntimeConfig } from "../config/runtime.ts";
import { installLazySourceMaps } from "./lazy-source-maps.ts";
import { closeAll, type Dependencies, probe } from "./dependencies.ts";
import { healthRoutes } from "./health.ts";
import { createLogger, type Logger } from "./logger.ts";
import { logProcessWarnings } from "./process-warnings.ts";
import { serveFunction, type RunningServer } from "./serve.ts";
import { flushTelemetry } from "../telemetry/active.ts";
import { recordInitDuration } from "../telemetry/server-telemetry.ts";

export interface FunctionContext<C> {
  config: C & RuntimeConfig;
  logger: Logger;
}

export interface BuiltFunction {
  app: Hono;
  /**
   * The function's adapters, named once: probed before serving (one not ready yet is logged),
   * checked by the readiness endpoint unless optional, and all closed after the drain.
   */
  dependencies: Dependencies;
}

/**
 * A function's `main`: environment → validated config → adapters → Hono app → serve on `$PORT`.
 * A bad setting exits 1 with a message that names the variable.
 */
export async function startFunction<E extends z.ZodRawShape>(
  name: string,
  env: E,
  build: (context: FunctionContext<Settings<E>>) => Promise<BuiltFunction>,
): Promise<RunningServer> {
  installLazySourceMaps();
  let config: Settings<E> & RuntimeConfig;
  try {
    config = parseEnv(z.object({ ...runtimeEnv, ...env })) as typeof config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.K_SERVICE ?? name, config.LOG_LEVEL);
  logProcessWarnings(logger);
  try {
    const built = await build({ config, logger });
    built.app.route("/", healthRoutes({ dependencies: built.dependencies, logger }));
    await probe(built.dependencies, logger);
    const running = await serveFunction({
      app: built.app,
      port: config.PORT,
      hostname: config.BIND_ADDRESS,
      logger,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      onShutdown: async () => {
        await closeAll(built.dependencies);
        await flushTelemetry();
      },
    });
    recordInitDuration();
    return running;
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(error.message);
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
