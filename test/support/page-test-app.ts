// For the search page's tests: the real search app on embedded backends, wired with the page as main.ts does.
import { silentLogger } from "./silent-logger.ts";
import { ExtractiveAnswerer } from "../../functions/shared/backends/answerer/extractive.ts";
import { MemoryCache } from "../../functions/shared/backends/cache/memory.ts";
import { HashingEmbedder } from "../../functions/shared/backends/embedder/hashing.ts";
import { FileIndexState } from "../../functions/shared/backends/index-state/file.ts";
import { EmbeddedVectorStore } from "../../functions/shared/backends/vector-store/embedded.ts";
import { chunkId } from "../../functions/shared/domain/ids.ts";
import { createSearchApp, type SearchApp } from "../../functions/search/app.ts";
import type { SearchPageOptions } from "../../functions/search/page/config.ts";
import { searchPage } from "../../functions/search/page/routes.ts";
import { inProcessEmbedClient } from "./in-process-embed-client.ts";

export interface PageTestApp {
  app: SearchApp;
  /** Indexes one single-chunk document directly into the vector store. */
  index(namespace: string, documentId: string, content: string, title?: string): Promise<void>;
}

export function createPageTestApp(dataDir: string, page: SearchPageOptions): PageTestApp {
  const vectorStore = new EmbeddedVectorStore(dataDir);
  const indexState = new FileIndexState(dataDir);
  const embedder = new HashingEmbedder(64);
  const searchApp = createSearchApp({
    vectorStore,
    indexState,
    cache: new MemoryCache({ maxEntries: 100, maxBytes: 1024 * 1024 }),
    answerer: new ExtractiveAnswerer(),
    embedClient: inProcessEmbedClient(embedder),
    logger: silentLogger,
    cacheTtlSeconds: 60,
    maxQueryChars: 2048,
    extension: searchPage(page),
  });
  return {
    app: searchApp,
    async index(namespace, documentId, content, title) {
      const metadata: Record<string, string> = title ? { title } : {};
      await vectorStore.replaceDocument(namespace, documentId, [
        {
          id: chunkId(namespace, documentId, 0),
          document_id: documentId,
          namespace,
          chunk_index: 0,
          content,
          metadata,
          vector: embedder.embedOne(content),
        },
      ]);
      await indexState.bumpGeneration(namespace);
    },
  };
}
