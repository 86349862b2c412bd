import { DependencyError } from "../backends/dependency-error.ts";
import { currentTraceHeaders } from "../telemetry/trace-context.ts";

export interface PostJsonOptions {
  dependency: string;
  timeoutMs: number;
  /** Extra attempts after the first, for network errors and 5xx/429. */
  retries: number;
}

/** POSTs JSON to another function with the trace context, a time-out and bounded retries. */
export async function postJson<T>(url: string, body: unknown, options: PostJsonOptions): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...currentTraceHeaders() },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await response.text();
      if (response.ok) return JSON.parse(text) as T;
      lastError = new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      lastError = error;
    }
  }
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  throw new DependencyError(options.dependency, `POST ${url} failed: ${message}`, { cause: lastError });
}
