import { retryAfterSeconds } from "../functions/shared/runtime/retry-after.ts";

/** What a function answers when the caller should come back: backpressure, not ready, rate limit. */
const COME_BACK_LATER = new Set([429, 503]);

export interface ComeBackOptions {
  /** Requests in all, the first included. */
  attempts?: number;
  /** The longest one wait, whatever Retry-After asks. */
  maxWaitMs?: number;
  /** Told before each wait, e.g. to say why the CLI pauses. */
  onWait?: (status: number, waitMs: number) => void;
}

/**
 * fetch that answers 429 and 503 by waiting and sending again: Retry-After's seconds when the
 * function gives them (ingest does under backpressure), else 1 s, 2 s, 4 s… The last answer is
 * returned as it is once the attempts are spent. `init.body` must be re-sendable (a string), and
 * `url` a URL, not a Request with a body.
 */
export async function fetchComingBack(
  url: string | URL | Request,
  init: RequestInit,
  { attempts = 8, maxWaitMs = 30_000, onWait }: ComeBackOptions = {},
): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, init);
    if (!COME_BACK_LATER.has(response.status) || attempt >= attempts) return response;
    await response.body?.cancel();
    const asked = retryAfterSeconds(response.headers.get("retry-after"));
    const waitMs = Math.min(
      maxWaitMs,
      asked !== undefined ? asked * 1000 : 1000 * 2 ** (attempt - 1),
    );
    onWait?.(response.status, waitMs);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** fetchComingBack as the `fetch` of a hono/client (`hc`), which sends a URL and a string body. */
export function comingBackFetch(options?: ComeBackOptions) {
  return (url: string | URL | Request, init?: RequestInit) =>
    fetchComingBack(url, init ?? {}, options);
}
