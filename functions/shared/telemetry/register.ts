// Imported first by every function's main.ts, so the SDK is in place before any other module
// asks for a tracer or meter. With OBSERVABILITY_ENABLED=false (or OTEL_SDK_DISABLED=true)
// the SDK module is never evaluated: the functions run on the OpenTelemetry API's no-ops.
import { ConfigError } from "../config/env.ts";
import { telemetrySettings, telemetryWanted, type TelemetrySettings } from "./settings.ts";

let settings: TelemetrySettings;
try {
  settings = telemetrySettings();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${process.env.K_SERVICE ?? "function"}: ${error.message}\n`);
  process.exit(1);
}
if (telemetryWanted(settings)) {
  const { startTelemetry } = await import("./sdk.ts");
  startTelemetry(settings);
}
