import * as z from "zod";
import {
  boolVar,
  enumVar,
  intVar,
  numberVar,
  optionalString,
  parseEnv,
  type Settings,
} from "../config/env.ts";

/**
 * The telemetry switches this project reads itself. Everything else (endpoint, headers,
 * time-outs, compression, batch sizes, OTEL_RESOURCE_ATTRIBUTES) is read by the OpenTelemetry
 * packages from the standard `OTEL_*` variables.
 */
export const telemetryEnv = {
  OBSERVABILITY_ENABLED: boolVar(true),
  OTEL_SDK_DISABLED: boolVar(false),
  OTEL_SERVICE_NAME: optionalString(),
  /** Unset: our rule (see sampler.ts). Set: the SDK's standard sampler of that name. */
  OTEL_TRACES_SAMPLER: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .enum([
        "always_on",
        "always_off",
        "traceidratio",
        "parentbased_always_on",
        "parentbased_always_off",
        "parentbased_traceidratio",
      ])
      .optional(),
  ),
  OTEL_TRACES_SAMPLER_ARG: numberVar(1, 0, 1),
  OTEL_TRACES_EXPORTER: enumVar(["otlp", "none"], "otlp"),
  OTEL_METRICS_EXPORTER: enumVar(["otlp", "none"], "otlp"),
  OTEL_METRIC_EXPORT_INTERVAL: intVar(60_000, 100),
  /** Longest the SDK may take to flush at SIGTERM, so a dead collector cannot eat the grace period. */
  OTEL_SHUTDOWN_TIMEOUT_MS: intVar(5_000, 0, 60_000),
  K_SERVICE: optionalString(),
  K_REVISION: optionalString(),
  POD_NAMESPACE: optionalString(),
};

export type TelemetrySettings = Settings<typeof telemetryEnv>;

export function telemetrySettings(env: NodeJS.ProcessEnv = process.env): TelemetrySettings {
  return parseEnv(z.object(telemetryEnv), env);
}

export function telemetryWanted(settings: TelemetrySettings): boolean {
  return settings.OBSERVABILITY_ENABLED && !settings.OTEL_SDK_DISABLED;
}
