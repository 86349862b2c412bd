import { HTTP, type CloudEvent } from "cloudevents";
import { isRetryableStatus } from "../../functions/shared/backends/events/event-publisher.ts";

export interface DeliveryPolicy {
  /** Retries after the first attempt (Knative `delivery.retry`). */
  retry: number;
  /** Exponential backoff base (Knative `backoffDelay`, `backoffPolicy: exponential`): base·2^n. */
  backoffDelayMs: number;
  /** A Retry-After longer than this is cut to it (Knative `retryAfterMax`). */
  retryAfterMaxMs: number;
  /** Per attempt (Knative `delivery.timeout`). */
  timeoutMs: number;
}

export type DeliveryResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; status?: number; body?: Buffer; attempts: number; error?: string };

/**
 * POSTs a CloudEvent in HTTP binary mode, as the KafkaSource data plane does, with the record's
 * trace headers as plain HTTP headers. Retries what Knative retries (network errors, 5xx, 404,
 * 408, 409, 429), never another 4xx. `wait` sleeps between attempts (and may abort the loop).
 */
export async function deliver(
  sink: string,
  event: CloudEvent<unknown>,
  traceHeaders: Record<string, string>,
  policy: DeliveryPolicy,
  wait: (ms: number) => Promise<void>,
): Promise<DeliveryResult> {
  const message = HTTP.binary(event);
  const headers = { ...(message.headers as Record<string, string>), ...traceHeaders };
  const body = typeof message.body === "string" ? message.body : JSON.stringify(message.body ?? "");
  let last: DeliveryResult = { ok: false, attempts: 0 };
  for (let attempt = 0; attempt <= policy.retry; attempt++) {
    let retryAfterMs = 0;
    try {
      const response = await fetch(sink, { method: "POST", headers, body, signal: AbortSignal.timeout(policy.timeoutMs) });
      const responseBody = Buffer.from(await response.arrayBuffer());
      if (response.ok) return { ok: true, status: response.status, attempts: attempt + 1 };
      last = { ok: false, status: response.status, body: responseBody, attempts: attempt + 1 };
      if (!isRetryableStatus(response.status)) return last;
      retryAfterMs = retryAfter(response.headers.get("retry-after"), policy.retryAfterMaxMs);
    } catch (error) {
      last = { ok: false, attempts: attempt + 1, error: error instanceof Error ? error.message : String(error) };
    }
    if (attempt < policy.retry) await wait(Math.max(policy.backoffDelayMs * 2 ** attempt, retryAfterMs));
  }
  return last;
}

function retryAfter(header: string | null, maxMs: number): number {
  if (!header) return 0;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), maxMs) : 0;
}
