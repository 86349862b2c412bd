let active = false;

/** Set by sdk.ts once the SDK is installed; while false, request telemetry costs nothing. */
export function markTelemetryActive(): void {
  active = true;
}

export function isTelemetryActive(): boolean {
  return active;
}
