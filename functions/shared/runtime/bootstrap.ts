import type { Hono } from "hono";
import * as z from "zod";
import { ConfigError, parseEnv, type Settings } from "../config/env.ts";
import { runtimeEnv, type RuntimeConfig } from "../config/runtime.ts";
import { installLazySourceMaps } from "./lazy-source-maps.ts";
import { createLogger, type Logger } from "./logger.ts";
import { serveFunction, type RunningServer } from "./serve.ts";
import { flushTelemetry } from "../telemetry/active.ts";
import { recordInitDuration } from "../telemetry/server-telemetry.ts";

export interface FunctionContext<C> {
  config: C & RuntimeConfig;
  logger: Logger;
  isAcceptingTraffic: () => boolean;
}

export interface BuiltFunction {
  app: Hono;
  /** Closes the function's adapters, after in-flight requests finished. */
  close: () => Promise<void>;
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
  let accepting = true;
  try {
    const built = await build({ config, logger, isAcceptingTraffic: () => accepting });
    const running = await serveFunction({
      app: built.app,
      port: config.PORT,
      hostname: config.BIND_ADDRESS,
      logger,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      onDraining: () => {
        accepting = false;
      },
      onShutdown: async () => {
        await built.close();
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

/** Closes every adapter even when one of them fails. */
export async function closeAll(...closeables: { close(): Promise<void> }[]): Promise<void> {
  await Promise.allSettled(closeables.map((c) => c.close()));
}
