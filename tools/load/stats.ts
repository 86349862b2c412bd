// The pure parts of `npm run load`: when each request is due, and what the run amounted to.

export type Operation = "ingest" | "search";

/** One step of the rate profile: `rate` requests per second for `seconds`. */
export interface Step {
  rate: number;
  seconds: number;
}

/**
 * The send times (ms from the start) of an open-loop run: requests are due at the profile's rate
 * whether or not earlier ones have answered, as real traffic arrives. The last step repeats
 * until the count or the duration bound ends the run.
 */
export function* sendTimes(
  steps: readonly Step[],
  maxCount: number,
  maxMs: number,
): Generator<number> {
  let startOfStep = 0;
  let sent = 0;
  for (let i = 0; sent < maxCount; i++) {
    const step = steps[Math.min(i, steps.length - 1)]!;
    const stepMs = i < steps.length - 1 ? step.seconds * 1000 : Number.POSITIVE_INFINITY;
    const interval = 1000 / step.rate;
    for (let k = 0; sent < maxCount; k++) {
      const at = startOfStep + k * interval;
      if (at >= maxMs) return;
      if (at >= startOfStep + stepMs) break;
      yield at;
      sent++;
    }
    startOfStep += stepMs;
  }
}

/** Nearest-rank percentile of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface OperationSummary {
  sent: number;
  ok: number;
  p50Ms: number;
  p99Ms: number;
  /** Count per HTTP status, or per failure ("timeout", "connection") when no answer came. */
  statuses: Record<string, number>;
}

export interface Summary {
  sent: number;
  elapsedSeconds: number;
  /** Requests sent per second over the run. */
  rateHeld: number;
  errors: number;
  operations: Partial<Record<Operation, OperationSummary>>;
}

/** Collects each answered (or failed) request; `summary()` any time, e.g. for the progress line. */
export class LoadRecorder {
  private readonly latencies = new Map<Operation, number[]>();
  private readonly statuses = new Map<Operation, Record<string, number>>();
  sent = 0;
  done = 0;
  errors = 0;

  started(): void {
    this.sent++;
  }

  finished(operation: Operation, status: number | string, ms: number): void {
    this.done++;
    if (typeof status !== "number" || status >= 400) this.errors++;
    const latencies = this.latencies.get(operation) ?? [];
    latencies.push(ms);
    this.latencies.set(operation, latencies);
    const counts = this.statuses.get(operation) ?? {};
    counts[String(status)] = (counts[String(status)] ?? 0) + 1;
    this.statuses.set(operation, counts);
  }

  summary(elapsedMs: number): Summary {
    const operations: Summary["operations"] = {};
    for (const [operation, latencies] of this.latencies) {
      const sorted = [...latencies].sort((a, b) => a - b);
      const statuses = this.statuses.get(operation)!;
      const ok = Object.entries(statuses).reduce((n, [s, c]) => (Number(s) < 400 ? n + c : n), 0);
      operations[operation] = {
        sent: sorted.length,
        ok,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        statuses,
      };
    }
    const elapsedSeconds = elapsedMs / 1000;
    return {
      sent: this.sent,
      elapsedSeconds,
      rateHeld: elapsedSeconds > 0 ? this.sent / elapsedSeconds : 0,
      errors: this.errors,
      operations,
    };
  }
}

export function formatSummary(summary: Summary): string {
  const lines = [
    `sent ${summary.sent} in ${summary.elapsedSeconds.toFixed(1)} s: ${summary.rateHeld.toFixed(1)} req/s held, ${summary.errors} errors`,
  ];
  for (const [operation, s] of Object.entries(summary.operations)) {
    const statuses = Object.entries(s.statuses)
      .map(([status, count]) => `${status}×${count}`)
      .join(" ");
    lines.push(
      `${operation.padEnd(7)} ${String(s.sent).padStart(6)} sent  p50 ${s.p50Ms.toFixed(1)} ms  p99 ${s.p99Ms.toFixed(1)} ms  ${statuses}`,
    );
  }
  return lines.join("\n");
}
