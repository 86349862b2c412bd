import { hc } from "hono/client";
import type { SearchApp, SearchRequest } from "../../functions/search/app.ts";
import { failure } from "../failure.ts";
import { comingBackFetch } from "../retry-after.ts";
import { apiKeyHeader } from "../api-key.ts";

export interface SearchOptions {
  searchUrl: string;
  namespace: string;
  mode: SearchRequest["mode"];
  topK: number;
  alpha: number;
  json: boolean;
}

/** Prints the answer, the sources with their scores, and the trace id. */
export async function search(query: string, options: SearchOptions): Promise<void> {
  const started = performance.now();
  const response = await searchClient(options).search.$post({
    json: {
      query,
      namespace: options.namespace,
      mode: options.mode,
      top_k: options.topK,
      alpha: options.alpha,
    },
  });
  if (!response.ok) throw await failure(response);
  const body = await response.json();
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
  const response = await searchClient(options).namespaces.$get();
  if (!response.ok) throw await failure(response);
  const { namespaces } = await response.json();
  const names = namespaces.filter((n) => n.documents > 0).map((n) => n.namespace);
  if (names.includes(options.namespace))
    return `Namespace "${options.namespace}" has documents, but none matches this query.`;
  const known =
    names.length > 0
      ? `namespaces with documents: ${names.join(", ")} (choose one with --namespace)`
      : "no namespace has documents yet (knative-rag ingest <file|dir>)";
  return `Namespace "${options.namespace}" has no documents; ${known}.`;
}

function searchClient(options: SearchOptions) {
  return hc<SearchApp>(options.searchUrl, {
    fetch: comingBackFetch(),
    headers: apiKeyHeader(),
  });
}
