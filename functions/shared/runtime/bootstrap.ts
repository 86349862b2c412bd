import type { Hono } from "hono";
import * as z from "zod";
import { ConfigError, parseEnv, type Settings } from "../config/env.ts";
import { runtimeEnv, type RuntimeConfig } from "../config/runtime.ts";
import { installLazySourceMaps } from "./lazy-source-maps.ts";
import { createLogger, type Logger } from "./logger.ts";
import { logProcessWarnings } from "./process-warnings.ts";
import { serveFunction, type RunningServer } from "./serve.ts";
import { flushTelemetry } from "../telemetry/active.ts";
import { recordInitDuration } from "../telemetry/server-telemetry.ts";

export interface FunctionContext<C> {
  config: C & RuntimeConfig;
  logger: Logger;
}

/** An adapter as the runtime sees it. */
export interface Dependency {
  ready?(): Promise<void>;
  close(): Promise<void>;
}

export interface BuiltFunction {
  app: Hono;
  /**
   * The function's adapters, named once: probed in this order before serving (one not ready yet
   * is logged, and the app's readiness stays 503 until it is) and all closed after the drain.
   */
  dependencies: Record<string, Dependency>;
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
    await probe(built.dependencies, logger);
    const running = await serveFunction({
      app: built.app,
      port: config.PORT,
      hostname: config.BIND_ADDRESS,
      logger,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      onShutdown: async () => {
        await closeAll(Object.values(built.dependencies));
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

/** One after another: an adapter may need the one before it (ingest's spool names stored objects). */
async function probe(dependencies: Record<string, Dependency>, logger: Logger): Promise<void> {
  for (const [name, dependency] of Object.entries(dependencies)) {
    await dependency
      .ready?.()
      .catch((error: unknown) =>
        logger.warn(
          { err: error, dependency: name },
          "a dependency is not ready yet; readiness stays 503 until it is",
        ),
      );
  }
}

/** Closes every adapter even when one of them fails. */
async function closeAll(dependencies: Dependency[]): Promise<void> {
  await Promise.allSettled(dependencies.map((d) => d.close()));
}
