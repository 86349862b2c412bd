import { setImmediate } from "node:timers/promises";

/**
 * Lets pending I/O (health probes, other requests) run between slices of long CPU work, so one
 * large request cannot hold the event loop for seconds.
 */
export function yieldToEventLoop(): Promise<void> {
  return setImmediate();
}
