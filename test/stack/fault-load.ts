import { searchAnswerOf } from "../support/response-bodies.ts";
import { waitFor } from "../support/wait-for.ts";
import type { RealStack } from "./real-stack.ts";

export interface Fault {
  /** The dependency, as the report names it. */
  name: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Whether any request fails while it is down; when nothing can fail, it comes back some documents later. */
  missedBy?: "requests" | "nothing";
}

export interface FaultReport {
  fault: string;
  /** Documents answered 202 (each retried until it was). */
  accepted: number;
  /** Accepted documents that never became searchable. */
  lost: number;
  /** Documents the namespace counts beyond those accepted (a document indexed twice). */
  duplicated: number;
  ingestRequests: number;
  ingestFailed: number;
  /** index-document's failed deliveries (503s the relay retried). */
  deliveriesFailed: number;
  searches: number;
  searchesFailed: number;
  /** From the stop to the restarted dependency answering. */
  outageMs: number;
  /** Failed answers other than 503 with Retry-After (there must be none). */
  unexpected: string[];
}

export interface FaultLoadOptions {
  documents: number;
  /** Pause between two documents: the load is spread over the outage rather than over before it. */
  paceMs: number;
  /**
   * The dependency comes back once this many requests failed since the stop (clients' or
   * index-document's); one nothing fails without, this many documents later.
   */
  restartAfterFailures: number;
  restartAfterDocuments: number;
  /** Longest wait for every accepted document to become searchable after the restart. */
  settleTimeoutMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ingests documents one after another, as a client that retries 5xx/429 would, while a second
 * client searches; stops the dependency after a third of the documents and starts it again once
 * requests fail (or, for a dependency nothing waits on, some documents later). Then every
 * accepted document must become searchable, once.
 */
export async function runFault(
  real: RealStack,
  fault: Fault,
  options: FaultLoadOptions,
): Promise<FaultReport> {
  const namespace = `fault-${fault.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  const token = (i: number) => `${namespace.replaceAll("-", "")}doc${i}`;
  const accepted: string[] = [];
  const counts = { ingestRequests: 0, ingestFailed: 0, searches: 0, searchesFailed: 0 };
  let failuresSinceStop = 0;
  let documentsSinceStop = 0;
  let logsAtStop = 0;
  const deliveriesFailedSinceStop = () =>
    real.logs
      .slice(logsAtStop)
      .filter((line) => line.startsWith("index-document") && line.includes("request failed"))
      .length;
  let stoppedAt: number | undefined;
  let outageMs = 0;
  let outage: Promise<void> | undefined;

  const unexpected: string[] = [];
  const countFailure = (
    kind: "ingestFailed" | "searchesFailed",
    response: Response | undefined,
  ) => {
    counts[kind]++;
    // What a client may rely on: a failing dependency is a 503 that says when to retry.
    if (response?.status !== 503 || !(Number(response.headers.get("retry-after")) > 0))
      unexpected.push(`${kind}: ${response?.status ?? "no answer"}`);
    if (stoppedAt !== undefined) failuresSinceStop++;
  };
  let searching = true;
  const searches = (async () => {
    for (let q = 0; searching; q++) {
      const known = accepted.length > 0 ? token(q % accepted.length) : "pipeline";
      counts.searches++;
      // A new query each time, so neither the search cache nor the embedding cache hides the backends.
      const response = await real
        .postJson(`${real.functions.urls.search}/search`, {
          query: `${known} q${q}`,
          namespace,
          mode: "hybrid",
          top_k: 3,
        })
        .catch(() => undefined);
      if (response?.status !== 200) countFailure("searchesFailed", response);
      await response?.arrayBuffer();
      await sleep(options.paceMs);
    }
  })();

  const submit = async (i: number) => {
    const id = `doc-${i}`;
    const body = {
      id,
      namespace,
      text: `Document ${i} written during the ${fault.name} fault carries the token ${token(i)}. Pipelines keep what they accept.`,
    };
    return waitFor(
      `${namespace}/${id} to be accepted`,
      async () => {
        counts.ingestRequests++;
        const response = await real
          .postJson(`${real.functions.urls.ingest}/ingest`, body)
          .catch(() => undefined);
        if (response?.status === 202) return true;
        const status = response?.status ?? "no answer";
        if (typeof status === "number" && status < 500 && status !== 429)
          throw new Error(`ingest refused ${id}: ${status} ${await response!.text()}`);
        await response?.arrayBuffer();
        countFailure("ingestFailed", response);
        return undefined;
      },
      120_000,
    ).then(() => accepted.push(id));
  };

  try {
    for (let i = 0; i < options.documents; i++) {
      if (i === Math.floor(options.documents / 3)) {
        stoppedAt = performance.now();
        logsAtStop = real.logs.length;
        outage = (async () => {
          await fault.stop();
          await waitFor(
            `${fault.name} to be missed`,
            () =>
              (fault.missedBy === "nothing"
                ? documentsSinceStop >= options.restartAfterDocuments
                : failuresSinceStop + deliveriesFailedSinceStop() >=
                  options.restartAfterFailures) || undefined,
            120_000,
          );
          await fault.start();
          outageMs = performance.now() - stoppedAt!;
        })();
      }
      await submit(i);
      if (stoppedAt !== undefined) documentsSinceStop++;
      await sleep(options.paceMs);
    }
    await outage;
  } finally {
    searching = false;
    await searches;
  }

  const lost = new Set(accepted);
  await waitFor(
    `the ${accepted.length} documents accepted during the ${fault.name} fault to be searchable`,
    async () => {
      for (const id of [...lost]) {
        const response = await real.postJson(`${real.functions.urls.search}/search`, {
          query: token(Number(id.slice(4))),
          namespace,
          mode: "keyword",
          top_k: 1,
        });
        const found =
          response.status === 200 &&
          (await searchAnswerOf(response)).sources[0]?.document_id === id;
        if (found) lost.delete(id);
      }
      return lost.size === 0 || undefined;
    },
    options.settleTimeoutMs,
  ).catch(() => undefined);
  const documents = (await real.namespaceStats(namespace))?.documents ?? 0;
  const deliveriesFailed = deliveriesFailedSinceStop();
  return {
    fault: fault.name,
    accepted: accepted.length,
    lost: lost.size,
    duplicated: Math.max(0, documents - (accepted.length - lost.size)),
    ...counts,
    deliveriesFailed,
    outageMs,
    unexpected,
  };
}

export function faultTable(reports: FaultReport[]): string {
  const rows = reports.map(
    (r) =>
      `| ${r.fault} | ${(r.outageMs / 1000).toFixed(1)} s | ${r.accepted} | ${r.lost} | ${r.duplicated} | ${r.ingestFailed} of ${r.ingestRequests} | ${r.deliveriesFailed} | ${r.searchesFailed} of ${r.searches} |`,
  );
  return [
    "| dependency stopped | outage | documents accepted | lost | indexed twice | ingest requests failed (retried) | deliveries failed (retried) | searches failed |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
