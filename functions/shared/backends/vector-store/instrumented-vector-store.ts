import type { EmbeddedChunk, SearchHit } from "../../domain/chunk.ts";
import { asDependencyError } from "../../runtime/dependency-error.ts";
import { SpanKind, withSpan } from "../../telemetry/spans.ts";
import type { NamespaceStats, SearchQuery, VectorStore } from "./vector-store.ts";

/**
 * A vector store whose writes and searches are CLIENT spans, and whose failures are a
 * DependencyError (503, retried) unless the store refused the operation for good.
 */
export class InstrumentedVectorStore implements VectorStore {
  constructor(private readonly store: VectorStore) {}

  get system() {
    return this.store.system;
  }

  replaceDocument(namespace: string, documentId: string, chunks: EmbeddedChunk[]): Promise<void> {
    return withSpan(
      "db.insert",
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "db.system": this.system,
          "db.operation.name": "upsert",
          "db.operation.batch.size": chunks.length,
        },
      },
      () =>
        asDependencyError("vector-store", () =>
          this.store.replaceDocument(namespace, documentId, chunks),
        ),
    );
  }

  search(query: SearchQuery): Promise<SearchHit[]> {
    return withSpan(
      "vector_search.query",
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "db.system": this.system,
          "db.operation.name": "search",
          "search.mode": query.mode,
          "search.top_k": query.topK,
          "search.alpha": query.alpha,
          "db.namespace": query.namespace,
        },
      },
      async (span) => {
        const hits = await asDependencyError("vector-store", () => this.store.search(query));
        span.setAttribute("db.response.returned_rows", hits.length);
        return hits;
      },
    );
  }

  deleteDocument(namespace: string, documentId: string): Promise<void> {
    return asDependencyError("vector-store", () =>
      this.store.deleteDocument(namespace, documentId),
    );
  }

  namespaces(): Promise<NamespaceStats[]> {
    return asDependencyError("vector-store", () => this.store.namespaces());
  }

  ready(): Promise<void> {
    return this.store.ready();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
