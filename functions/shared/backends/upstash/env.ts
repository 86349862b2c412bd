import { intVar, optionalString, optionalUrl } from "../../config/env.ts";

export const upstashEnv = {
  UPSTASH_REDIS_REST_URL: optionalUrl(),
  UPSTASH_REDIS_REST_TOKEN: optionalString(),
  UPSTASH_TIMEOUT_MS: intVar(2000, 50),
};

export interface UpstashConfig {
  UPSTASH_REDIS_REST_URL?: string | undefined;
  UPSTASH_REDIS_REST_TOKEN?: string | undefined;
  UPSTASH_TIMEOUT_MS: number;
}
