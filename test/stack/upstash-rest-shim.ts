import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Redis } from "ioredis";
import { progress } from "./managed-process.ts";
import { upstashRestApp } from "./upstash-rest-app.ts";

export interface UpstashRestShim {
  /** http://127.0.0.1:PORT — give it to @upstash/redis as `url` with `token`. */
  url: string;
  token: string;
  port: number;
  /** Closes the HTTP server and the Redis connection; call it, or the open connection keeps node alive. */
  stop(): Promise<void>;
}

export interface UpstashRestShimOptions {
  /** The real Redis, e.g. startRedis().url. */
  redisUrl: string;
  /** Defaults to a random one. */
  token?: string;
}

/** Serves the Upstash REST protocol on loopback, in this process, forwarding every command to a real Redis. */
export async function startUpstashRestShim(
  options: UpstashRestShimOptions,
): Promise<UpstashRestShim> {
  const began = performance.now();
  const token = options.token ?? randomBytes(16).toString("hex");
  // Few retries: with Redis stopped, a request fails in a moment with an {error} instead of hanging.
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  await redis.connect();
  const app = upstashRestApp({ redis, token });
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  progress(
    `upstash REST shim on ${url} -> ${options.redisUrl} ready in ${((performance.now() - began) / 1000).toFixed(1)}s`,
  );

  async function stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ("closeAllConnections" in server) server.closeAllConnections();
    });
    redis.disconnect();
  }
  return { url, token, port, stop };
}
