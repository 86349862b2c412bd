import { intVar, optionalString, optionalUrl, type Settings } from "../../config/env.ts";

export const upstashEnv = {
  UPSTASH_REDIS_REST_URL: optionalUrl(),
  UPSTASH_REDIS_REST_TOKEN: optionalString(),
  UPSTASH_TIMEOUT_MS: intVar(2000, 50),
};

export type UpstashConfig = Settings<typeof upstashEnv>;
