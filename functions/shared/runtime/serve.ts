import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { markDraining } from "./draining.ts";
import type { Logger } from "./logger.ts";

export interface ServeOptions {
  app: Hono;
  port: number;
  /** Interface to listen on; undefined: all interfaces. */
  hostname?: string;
  logger: Logger;
  shutdownTimeoutMs: number;
  /** Called after the server stopped and in-flight requests finished: close adapters, flush telemetry. */
  onShutdown: () => Promise<void>;
}

export interface RunningServer {
  port: number;
  server: Server;
}

/**
 * Serves on `$PORT` and drains on SIGTERM/SIGINT as Knative expects: stop accepting,
 * let in-flight requests finish, run the shutdown hooks, exit 0 — or exit 1 after the timeout.
 */
export function serveFunction(options: ServeOptions): Promise<RunningServer> {
  const { logger } = options;
  return new Promise((resolveServe) => {
    const server = serve(
      { fetch: options.app.fetch, port: options.port, hostname: options.hostname },
      (info) => {
        logger.info({ address: info.address, port: info.port }, "listening");
        resolveServe({ port: info.port, server: server as Server });
      },
    ) as Server;

    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, "draining");
      markDraining();
      const deadline = setTimeout(() => {
        logger.error({ timeout_ms: options.shutdownTimeoutMs }, "shutdown timed out");
        process.exit(1);
      }, options.shutdownTimeoutMs);
      deadline.unref();
      server.close(async () => {
        try {
          await options.onShutdown();
          logger.info("stopped");
          process.exit(0);
        } catch (error) {
          logger.error({ err: error }, "shutdown hook failed");
          process.exit(1);
        }
      });
      server.closeIdleConnections();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}
