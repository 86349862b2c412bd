import { Redis } from "@upstash/redis";
import { requireSetting } from "../../config/runtime.ts";
import type { UpstashConfig } from "./env.ts";

export interface UpstashOptions {
  url: string;
  token: string;
  timeoutMs: number;
}

/**
 * An @upstash/redis client for Upstash or a self-hosted Upstash-compatible REST proxy
 * (serverless-redis-http): a time-out on every request and short, bounded retries.
 */
export function createUpstashClient(options: UpstashOptions): Redis {
  return new Redis({
    url: options.url,
    token: options.token,
    signal: () => AbortSignal.timeout(options.timeoutMs),
    retry: { retries: 2, backoff: (attempt) => 50 * 2 ** attempt },
    enableTelemetry: false,
    readYourWrites: false,
  });
}

/** PING through the REST endpoint: throws while Redis or the proxy is unusable. */
export async function pingUpstash(redis: Redis): Promise<void> {
  const answer = await redis.ping();
  if (answer !== "PONG") throw new Error(`unexpected PING answer ${JSON.stringify(answer)}`);
}

/** `selectedBy` names the setting that chose Redis, for the message when a connection setting is missing. */
export function upstashClientFromConfig(config: UpstashConfig, selectedBy: string): Redis {
  return createUpstashClient({
    url: requireSetting(config.UPSTASH_REDIS_REST_URL, "UPSTASH_REDIS_REST_URL", selectedBy),
    token: requireSetting(config.UPSTASH_REDIS_REST_TOKEN, "UPSTASH_REDIS_REST_TOKEN", selectedBy),
    timeoutMs: config.UPSTASH_TIMEOUT_MS,
  });
}
