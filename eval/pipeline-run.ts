import { FUNCTION_NAMES } from "../functions/functions.ts";
import { startLocalStack } from "../cli/local-stack.ts";
import { fetchComingBack } from "../cli/retry-after.ts";
import type { SearchMode } from "../functions/shared/domain/chunk.ts";
import { freePorts } from "../test/support/free-port.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import type { Collection, EvalDocument } from "./collection.ts";

export const NAMESPACE = "eval";
export const MODES: readonly SearchMode[] = ["hybrid", "keyword", "vector"];

export interface ModeRun {
  mode: SearchMode;
  /** Per query: the distinct document ids in the order the sources came back. */
  rankings: Map<string, string[]>;
  latenciesMs: number[];
}

export interface PipelineRunOptions {
  topK: number;
  /** Extra environment for the four functions (VECTOR_STORE=weaviate, …). */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

/** The text a document is ingested with, and what the reference BM25 indexes. */
export const documentText = (d: EvalDocument) => `${d.title}\n\n${d.text}`;
const documentId = (id: string) => `doc-${id}`;
const fromDocumentId = (id: string) => id.replace(/^doc-/, "");

/**
 * The real thing: the four bundled functions as processes on free ports with embedded defaults in a
 * fresh DATA_DIR; every document through ingest's HTTP API, every query through search's.
 */
export async function runThroughPipeline(
  collection: Collection,
  options: PipelineRunOptions,
): Promise<{ searchable: number; modes: ModeRun[] }> {
  const log = options.log ?? ((line: string) => console.error(line));
  const dataDir = await tempDir("eval");
  const stack = await startLocalStack({
    ports: await freePorts(FUNCTION_NAMES),
    dataDir,
    // CISI has queries longer than the default 2 KB limit.
    env: {
      LOG_LEVEL: "warn",
      OBSERVABILITY_ENABLED: "false",
      MAX_QUERY_CHARS: "16384",
      ...options.env,
    },
    onLog: (_name, line) => log(line),
  });
  try {
    const started = performance.now();
    await ingestAll(stack.urls.ingest, collection.documents);
    log(
      `eval: ${collection.documents.length} documents accepted in ${((performance.now() - started) / 1000).toFixed(1)} s; waiting until searchable`,
    );
    const searchable = await waitUntilIndexed(stack.urls.search, collection.documents.length);
    log(
      `eval: ${searchable} of ${collection.documents.length} documents searchable after ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const modes: ModeRun[] = [];
    for (const mode of MODES)
      modes.push(await runQueries(stack.urls.search, collection, mode, options.topK));
    return { searchable, modes };
  } finally {
    await stack.stop();
  }
}

async function ingestAll(
  ingestUrl: string,
  documents: EvalDocument[],
  concurrency = 8,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < documents.length) {
      const document = documents[next++]!;
      // Ingest sheds load (503 + Retry-After) while index-document works through its backlog.
      const response = await fetchComingBack(
        `${ingestUrl}/ingest`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            id: documentId(document.id),
            namespace: NAMESPACE,
            text: documentText(document),
            metadata: { source: `CISI.ALL#${document.id}` },
          }),
        },
        { attempts: 120 },
      );
      if (response.status !== 202)
        throw new Error(
          `ingest of document ${document.id} answered ${response.status}: ${await response.text()}`,
        );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Waits until every document is searchable, or until the count has not moved for `stallMs`:
 * then the run goes on with what is searchable and the report says how many (a pipeline that
 * silently drops a document shows up there instead of hanging the evaluation).
 */
async function waitUntilIndexed(
  searchUrl: string,
  expected: number,
  stallMs = 60_000,
): Promise<number> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const response = await fetch(`${searchUrl}/namespaces`);
    const { namespaces } = (await response.json()) as {
      namespaces: { namespace: string; documents: number }[];
    };
    const documents = namespaces.find((n) => n.namespace === NAMESPACE)?.documents ?? 0;
    if (documents >= expected) return documents;
    if (documents !== last) [last, lastChange] = [documents, Date.now()];
    else if (Date.now() - lastChange > stallMs) return documents;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function runQueries(
  searchUrl: string,
  collection: Collection,
  mode: SearchMode,
  topK: number,
): Promise<ModeRun> {
  const rankings = new Map<string, string[]>();
  const latenciesMs: number[] = [];
  for (const query of collection.queries) {
    const started = performance.now();
    const response = await fetch(`${searchUrl}/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: query.text, namespace: NAMESPACE, mode, top_k: topK }),
    });
    const body = (await response.json()) as { sources: { document_id: string }[] };
    latenciesMs.push(performance.now() - started);
    if (response.status !== 200)
      throw new Error(
        `search (${mode}) for query ${query.id} answered ${response.status}: ${JSON.stringify(body)}`,
      );
    rankings.set(query.id, [...new Set(body.sources.map((s) => fromDocumentId(s.document_id)))]);
  }
  return { mode, rankings, latenciesMs };
}
