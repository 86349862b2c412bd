let flush: (() => Promise<void>) | undefined;

/**
 * Set by sdk.ts once the SDK is installed, with what pushes its queued spans and metrics out;
 * while unset, request telemetry costs nothing.
 */
export function markTelemetryActive(flushAndStop: () => Promise<void>): void {
  flush = flushAndStop;
}

export function isTelemetryActive(): boolean {
  return flush !== undefined;
}

/** Runs last at shutdown, after in-flight requests finished and the adapters closed. */
export async function flushTelemetry(): Promise<void> {
  await flush?.();
}
