import * as z from "zod";
import { ConfigError, enumVar, intVar, optionalString, type Settings, stringVar } from "./env.ts";

/** Knative's runtime contract plus what every function shares. */
export const runtimeEnv = {
  PORT: intVar(8080, 0, 65535),
  /** Interface to listen on; unset: all of them, as a container must. `npm start` sets 127.0.0.1. */
  BIND_ADDRESS: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .union([z.ipv4(), z.ipv6(), z.literal("localhost")], {
        message: "expected an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost",
      })
      .optional(),
  ),
  K_SERVICE: optionalString(),
  K_REVISION: optionalString(),
  K_CONFIGURATION: optionalString(),
  LOG_LEVEL: enumVar(["trace", "debug", "info", "warn", "error", "fatal", "silent"], "info"),
  DATA_DIR: stringVar(".data"),
  SHUTDOWN_TIMEOUT_MS: intVar(25_000, 0, 600_000),
};

export type RuntimeConfig = Settings<typeof runtimeEnv>;

export function requireSetting<T>(value: T | undefined, variable: string, when: string): T {
  if (value === undefined || value === "") {
    throw new ConfigError(`Invalid configuration:\n  ${variable}=(unset): required when ${when}`);
  }
  return value;
}
