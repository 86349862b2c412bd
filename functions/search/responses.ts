// What search answers, as the CLI, the page and the tests read it: types only, so that the page's
// browser script and the CLI import them without any of the function's code.
import type { NamespaceStats } from "../shared/backends/vector-store/vector-store.ts";
import type { SearchHit, SearchMode } from "../shared/domain/chunk.ts";

export interface SearchResponse {
  answer: string;
  sources: SearchHit[];
  metadata: {
    namespace: string;
    num_sources: number;
    cache_hit: boolean;
    mode: SearchMode;
    top_k: number;
    alpha: number;
    answer_kind: "extractive" | "generative";
    model: string;
    trace_id?: string;
  };
}

/** GET /namespaces: the namespaces the caller may read, with their sizes. */
export interface NamespacesResponse {
  namespaces: NamespaceStats[];
}
