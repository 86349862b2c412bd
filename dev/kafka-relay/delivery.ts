import { HTTP, type CloudEvent } from "cloudevents";
import { isRetryableStatus } from "../../functions/shared/runtime/retryable-status.ts";

export interface DeliveryPolicy {
  /** Retries after the first attempt (Knative `delivery.retry`). */
  retry: number;
  /** Exponential backoff base (Knative `backoffDelay`, `backoffPolicy: exponential`). */
  backoffDelayMs: number;
  /** Per attempt (Knative `delivery.timeout`). */
  timeoutMs: number;
}

/** The delivery knative/kafka-source.yaml sets (test/deploy checks that the two agree). */
export const KAFKA_SOURCE_DELIVERY: DeliveryPolicy = {
  retry: 8,
  backoffDelayMs: 1000,
  timeoutMs: 120_000,
};

/**
 * The wait before retry n (1-based), as the KafkaSource's dispatcher computes it for
 * `backoffPolicy: exponential` (eventing-kafka-broker's WebClientCloudEventSender): delay·2^n,
 * so the first retry already waits twice the delay.
 */
export function backoffMs(backoffDelayMs: number, retry: number): number {
  return backoffDelayMs * 2 ** retry;
}

export type DeliveryResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; status?: number; body?: Buffer; attempts: number; error?: string };

/**
 * POSTs a CloudEvent in HTTP binary mode, as the KafkaSource data plane does, with the record's
 * trace headers as plain HTTP headers. Retries what Knative retries (network errors, 5xx, 404,
 * 408, 409, 429), never another 4xx. `wait` sleeps between attempts (and may abort the loop).
 * Like the dispatcher, it ignores Retry-After: a 503 + Retry-After waits the backoff, no more.
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
    try {
      const response = await fetch(sink, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      const responseBody = Buffer.from(await response.arrayBuffer());
      if (response.ok) return { ok: true, status: response.status, attempts: attempt + 1 };
      last = { ok: false, status: response.status, body: responseBody, attempts: attempt + 1 };
      if (!isRetryableStatus(response.status)) return last;
    } catch (error) {
      last = {
        ok: false,
        attempts: attempt + 1,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    if (attempt < policy.retry) await wait(backoffMs(policy.backoffDelayMs, attempt + 1));
  }
  return last;
}
