/**
 * The functions, in pipeline order: the one list the CLI, the dashboards, the benches and the tests
 * read (the build bundles every `functions/<name>/main.ts`; functions.test.ts checks they agree).
 * `knative-rag up` serves each on `port` unless its `portVariable` says otherwise; the CLI reaches
 * each at `urlVariable`, by default that local port.
 */
export const FUNCTIONS = {
  ingest: { port: 8081, portVariable: "INGEST_PORT", urlVariable: "INGEST_URL" },
  "index-document": {
    port: 8082,
    portVariable: "INDEX_DOCUMENT_PORT",
    urlVariable: "INDEX_DOCUMENT_URL",
  },
  embed: { port: 8083, portVariable: "EMBED_PORT", urlVariable: "EMBED_URL" },
  search: { port: 8080, portVariable: "SEARCH_PORT", urlVariable: "SEARCH_URL" },
} as const;

export type FunctionName = keyof typeof FUNCTIONS;

export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];
