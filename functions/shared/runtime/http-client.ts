import { DependencyError, DependencyRejected } from "./dependency-error.ts";
import { currentTraceHeaders } from "../telemetry/trace-context.ts";
import { retryAfterSeconds } from "./retry-after.ts";
import { isRetryableStatus } from "./retryable-status.ts";

export interface PostJsonOptions {
  dependency: string;
  /** Bound of the whole call: a time-out is not retried, so the caller's wait stays this long. */
  timeoutMs: number;
  /**
   * Extra attempts after the first, only when the request never got an answer (connection refused
   * or reset). A function that answered 5xx/429 has already spent its own retry budget on its
   * dependencies; retrying it here would multiply that budget (the caller's delivery retries anyway).
   */
  retries: number;
}

/** POSTs JSON to another function with the trace context, a time-out and bounded retries. */
export async function postJson<T>(
  url: string,
  body: unknown,
  options: PostJsonOptions,
): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...currentTraceHeaders() },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      lastError = error;
      if (error instanceof DOMException && error.name === "TimeoutError") break;
      continue;
    }
    if (response.ok) return JSON.parse(text) as T;
    const message = `POST ${url} answered ${response.status}: ${text.slice(0, 300)}`;
    if (!isRetryableStatus(response.status)) {
      throw new DependencyRejected(options.dependency, `answered ${response.status}`, {
        cause: new Error(message),
      });
    }
    throw new DependencyError(options.dependency, message, {
      retryAfterSeconds: retryAfterSeconds(response.headers.get("retry-after")),
    });
  }
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  throw new DependencyError(options.dependency, `POST ${url} failed: ${message}`, {
    cause: lastError,
  });
}
