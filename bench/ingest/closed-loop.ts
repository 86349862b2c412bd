import { Agent, request } from "node:http";

export interface LoopResult {
  /** Latency of every answered request, ms. */
  latencies: number[];
  statuses: Record<string, number>;
  elapsedMs: number;
  /** Per answered 202: when it was answered (ms since the start) and what the body of the request was built from. */
  accepted: { at: number; index: number }[];
}

export interface LoopOptions {
  url: string;
  connections: number;
  durationMs: number;
  /** The i-th request's JSON body. */
  body: (i: number) => string;
  /** Stop after this many requests (default: none). */
  maxRequests?: number;
  /** Called on each 202 as it arrives. */
  onAccepted?: (index: number) => void;
}

/**
 * Closed-loop load on loopback: `connections` keep-alive connections, each sending its next
 * request as soon as the last one is answered, until `durationMs` or `maxRequests` (bounded:
 * nothing starts after either).
 */
export async function closedLoop({
  url,
  connections,
  durationMs,
  body,
  maxRequests = Number.POSITIVE_INFINITY,
  onAccepted,
}: LoopOptions): Promise<LoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const result: LoopResult = { latencies: [], statuses: {}, elapsedMs: 0, accepted: [] };
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (performance.now() - start < durationMs && next < maxRequests) {
      const index = next++;
      const payload = body(index);
      const sent = performance.now();
      const status = await post(agent, target, payload).catch(() => "connection");
      const answered = performance.now();
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (status === "connection") continue;
      result.latencies.push(answered - sent);
      if (status !== "202") continue;
      result.accepted.push({ at: answered - start, index });
      onAccepted?.(index);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  result.elapsedMs = performance.now() - start;
  agent.destroy();
  return result;
}

function post(agent: Agent, url: URL, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume().on("end", () => resolve(String(res.statusCode)));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(payload);
  });
}

/** Nearest-rank percentile; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}
