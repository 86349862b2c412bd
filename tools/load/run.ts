import { randomUUID } from "node:crypto";
import type { LoadOptions } from "./options.ts";
import { LoadRecorder, sendTimes, type Operation, type Summary } from "./stats.ts";

const WORDS = [
  "knative",
  "autoscaling",
  "cold",
  "start",
  "revision",
  "kafka",
  "vector",
  "search",
  "chunk",
  "embedding",
  "latency",
  "replica",
  "queue",
  "proxy",
  "activator",
  "scale",
  "zero",
  "event",
  "broker",
  "trace",
];

function sentence(i: number, length: number): string {
  return Array.from({ length }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(" ");
}

/** The i-th request's operation: searches spread evenly at `share` (deterministic, no clumps). */
export function operationOf(i: number, share: number): Operation {
  return Math.floor((i + 1) * share) > Math.floor(i * share) ? "search" : "ingest";
}

function request(
  operation: Operation,
  i: number,
  runId: string,
  options: LoadOptions,
): { url: URL; init: RequestInit } {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  };
  if (operation === "ingest") {
    const body = {
      id: `load-${runId}-${i}`,
      namespace: options.namespace,
      text: `${sentence(i, 60)}.`,
      metadata: { title: `load ${i}`, source: "npm run load" },
    };
    return {
      url: new URL("/ingest", options.ingestUrl),
      init: { method: "POST", headers, body: JSON.stringify(body) },
    };
  }
  const body = { query: sentence(i, 3), namespace: options.namespace, top_k: 5 };
  return {
    url: new URL("/search", options.searchUrl),
    init: { method: "POST", headers, body: JSON.stringify(body) },
  };
}

async function send(
  operation: Operation,
  i: number,
  runId: string,
  options: LoadOptions,
  recorder: LoadRecorder,
): Promise<void> {
  const { url, init } = request(operation, i, runId, options);
  const started = performance.now();
  recorder.started();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    await response.arrayBuffer();
    recorder.finished(operation, response.status, performance.now() - started);
  } catch (error) {
    const name = (error as Error).name;
    recorder.finished(
      operation,
      name === "TimeoutError" || name === "AbortError" ? "timeout" : "connection",
      performance.now() - started,
    );
  }
}

/**
 * Sends the profile's requests open loop until the count or duration bound, then waits for the
 * unanswered ones (each bounded by the timeout). `onProgress` is called about once a second.
 */
export async function runLoad(
  options: LoadOptions,
  onProgress?: (summary: Summary, inFlight: number) => void,
): Promise<Summary> {
  const runId = randomUUID().slice(0, 8);
  const recorder = new LoadRecorder();
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const elapsed = () => performance.now() - start;
  const ticker = onProgress
    ? setInterval(() => onProgress(recorder.summary(elapsed()), inFlight.size), 1000)
    : undefined;
  try {
    let i = 0;
    for (const at of sendTimes(options.steps, options.count, options.durationSeconds * 1000)) {
      const wait = at - elapsed();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
      if (elapsed() >= options.durationSeconds * 1000) break;
      const sent = send(operationOf(i, options.searchShare), i, runId, options, recorder).finally(
        () => inFlight.delete(sent),
      );
      inFlight.add(sent);
      i++;
    }
    await Promise.all(inFlight);
    return recorder.summary(elapsed());
  } finally {
    clearInterval(ticker);
  }
}
