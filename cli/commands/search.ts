import type { NamespacesResponse, SearchResponse } from "../../functions/search/responses.ts";
import { fetchComingBack } from "../retry-after.ts";
import { apiKeyHeader } from "../api-key.ts";

export interface SearchOptions {
  searchUrl: string;
  namespace: string;
  mode: string;
  topK: number;
  alpha: number;
  json: boolean;
}

/** Prints the answer, the sources with their scores, and the trace id. */
export async function search(query: string, options: SearchOptions): Promise<void> {
  const started = performance.now();
  const body = await call<SearchResponse>(options, "/search", {
    method: "POST",
    body: JSON.stringify({
      query,
      namespace: options.namespace,
      mode: options.mode,
      top_k: options.topK,
      alpha: options.alpha,
    }),
  });
  if (options.json) {
    console.log(JSON.stringify(body, null, 2));
    return;
  }
  const elapsed = Math.round(performance.now() - started);
  console.log(`\n${body.answer}\n`);
  if (body.sources.length === 0) {
    console.log(`${await namespaceHint(options)}\n`);
    return;
  }
  console.log(`Sources (${body.metadata.mode}, higher score is better):`);
  body.sources.forEach((source, i) => {
    const title = source.metadata.title ?? source.document_id;
    const snippet = source.content.replace(/\s+/g, " ").slice(0, 140);
    console.log(
      `  [${i + 1}] ${source.score.toFixed(4)}  ${title}${source.metadata.source ? ` (${source.metadata.source})` : ""}\n      ${snippet}…`,
    );
  });
  console.log(
    `\n${elapsed} ms, cache ${body.metadata.cache_hit ? "hit" : "miss"}, trace_id ${body.metadata.trace_id ?? "(tracing off)"}`,
  );
}

/** Why nothing matched when the namespace itself is empty: it names the namespaces that have documents. */
async function namespaceHint(options: SearchOptions): Promise<string> {
  const { namespaces } = await call<NamespacesResponse>(options, "/namespaces", { method: "GET" });
  const names = namespaces.filter((n) => n.documents > 0).map((n) => n.namespace);
  if (names.includes(options.namespace))
    return `Namespace "${options.namespace}" has documents, but none matches this query.`;
  const known =
    names.length > 0
      ? `namespaces with documents: ${names.join(", ")} (choose one with --namespace)`
      : "no namespace has documents yet (knative-rag ingest <file|dir>)";
  return `Namespace "${options.namespace}" has no documents; ${known}.`;
}

async function call<T>(options: SearchOptions, path: string, init: RequestInit): Promise<T> {
  const response = await fetchComingBack(new URL(path, options.searchUrl), {
    ...init,
    headers: { "content-type": "application/json", ...apiKeyHeader() },
  });
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok)
    throw new Error(`HTTP ${response.status}: ${body.error ?? JSON.stringify(body)}`);
  return body;
}
