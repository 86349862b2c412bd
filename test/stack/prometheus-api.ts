/** The parts of Prometheus' HTTP API the tests read. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export type QueryResult =
  | { resultType: "vector"; result: Sample[] }
  | { resultType: "matrix"; result: unknown[] }
  | { resultType: "scalar" | "string"; result: [number, string] };

/** An instant query; throws with Prometheus' error type and message when it refuses the expression. */
export async function instantQuery(prometheusUrl: string, expr: string): Promise<QueryResult> {
  const response = await fetch(`${prometheusUrl}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: expr }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as {
    status: string;
    data?: QueryResult;
    errorType?: string;
    error?: string;
  };
  if (body.status !== "success" || !body.data)
    throw new Error(`${body.errorType ?? response.status}: ${body.error ?? "no data"} in ${expr}`);
  return body.data;
}

/** How many series (or 1 for a scalar) an instant query returns. */
export async function seriesCount(prometheusUrl: string, expr: string): Promise<number> {
  const data = await instantQuery(prometheusUrl, expr);
  return data.resultType === "vector" || data.resultType === "matrix" ? data.result.length : 1;
}

/** The label names (values merged) of every series matching a selector. */
export async function seriesLabels(
  prometheusUrl: string,
  match: string,
): Promise<Map<string, Set<string>>> {
  const response = await fetch(
    `${prometheusUrl}/api/v1/series?${new URLSearchParams({ "match[]": match })}`,
    { signal: AbortSignal.timeout(10_000) },
  );
  const body = (await response.json()) as { status: string; data: Record<string, string>[] };
  const labels = new Map<string, Set<string>>();
  for (const series of body.data) {
    for (const [label, value] of Object.entries(series)) {
      if (label !== "__name__") labels.set(label, (labels.get(label) ?? new Set()).add(value));
    }
  }
  return labels;
}
