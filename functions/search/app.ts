import { type Env, Hono, type Schema } from "hono";
import type { BlankSchema, ExtractSchema } from "hono/types";
import * as z from "zod";
import type { Answerer } from "../shared/backends/answerer/index.ts";
import { InstrumentedAnswerer } from "../shared/backends/answerer/instrumented-answerer.ts";
import type { Cache } from "../shared/backends/cache/index.ts";
import { InstrumentedCache } from "../shared/backends/cache/instrumented-cache.ts";
import type { IndexState } from "../shared/backends/index-state/index.ts";
import type { VectorStore } from "../shared/backends/vector-store/index.ts";
import { InstrumentedVectorStore } from "../shared/backends/vector-store/instrumented-vector-store.ts";
import { asDependencyError } from "../shared/runtime/dependency-error.ts";
import {
  accessControl,
  type AccessControl,
  type AccessSettings,
} from "../shared/access/access-control.ts";
import { authorize, readableBy } from "../shared/access/authenticate.ts";
import {
  DEFAULT_NAMESPACE,
  JSON_ESCAPE_BYTES,
  namespaceSchema,
  sha256Hex,
} from "../shared/domain/document.ts";
import type { EmbedClient } from "../shared/embed-client.ts";
import { createFunctionApp } from "../shared/runtime/function-app.ts";
import type { Logger } from "../shared/runtime/logger.ts";
import { jsonBody } from "../shared/runtime/json-body.ts";
import { recordSearchDuration } from "../shared/telemetry/pipeline-metrics.ts";
import { currentTraceId } from "../shared/telemetry/spans.ts";
import type { SearchMode } from "../shared/domain/chunk.ts";
import { bodyLimit } from "../shared/runtime/body-limit.ts";
import type { SearchPageApp } from "./page/routes.ts";
import type { NamespacesResponse, SearchResponse } from "./responses.ts";

/**
 * Routes composed into the search app (the search page), built with its access middleware:
 * `access.authenticate` goes in front of every route that reads or writes documents.
 */
export type SearchAppExtension<S extends Schema> = (access: AccessControl) => Hono<Env, S>;

export interface SearchDependencies<S extends Schema = BlankSchema> {
  vectorStore: VectorStore;
  indexState: IndexState;
  cache: Cache;
  answerer: Answerer;
  embedClient: Pick<EmbedClient, "embed">;
  logger: Logger;
  cacheTtlSeconds: number;
  maxQueryChars: number;
  /** API keys and allowed origins; default: no keys (everyone may read), no other origins. */
  access?: AccessSettings;
  /** Extra routes (the search page) on the same app. */
  extension?: SearchAppExtension<S>;
}

/**
 * Hybrid's default weight of the vector side. Chosen on the tune half of CISI's queries with the
 * hashing embedder (eval/): 0–0.15 rank alike there, 0.5 loses 0.03 nDCG@10. With semantic
 * embeddings (EMBEDDER=openai) the vector side deserves more: measure with `npm run eval`.
 */
export const DEFAULT_ALPHA = 0.1;

export function searchRequestSchema(maxQueryChars: number) {
  return z.object({
    query: z
      .string()
      .refine((q) => q.trim().length > 0, { message: "query must not be empty" })
      .refine((q) => q.length <= maxQueryChars, {
        message: `query must be at most ${maxQueryChars} characters`,
      }),
    namespace: namespaceSchema.optional().default(DEFAULT_NAMESPACE),
    mode: z
      .enum(["hybrid", "vector", "keyword", "bm25"], {
        message: 'mode must be "hybrid", "vector" or "keyword" ("bm25" is an alias of "keyword")',
      })
      .optional()
      .default("hybrid")
      .transform((m): SearchMode => (m === "bm25" ? "keyword" : m)),
    top_k: z
      .number()
      .int()
      .min(1, { message: "top_k must be between 1 and 50" })
      .max(50, { message: "top_k must be between 1 and 50" })
      .optional()
      .default(5),
    alpha: z
      .number()
      .min(0, { message: "alpha must be between 0 and 1" })
      .max(1, { message: "alpha must be between 0 and 1" })
      .optional()
      .default(DEFAULT_ALPHA),
    chunks_per_document: z
      .number()
      .int()
      .min(1, { message: "chunks_per_document must be between 1 and 10" })
      .max(10, { message: "chunks_per_document must be between 1 and 10" })
      .optional()
      .default(1),
  });
}

/** What a client sends to POST /search (before defaults apply). */
export type SearchRequest = z.input<ReturnType<typeof searchRequestSchema>>;

/** search: cache → embed the query → hybrid/vector/keyword search → grounded answer → cache. */
export function createSearchApp<S extends Schema = BlankSchema>(deps: SearchDependencies<S>) {
  const requestSchema = searchRequestSchema(deps.maxQueryChars);
  // Counted in characters of the query, however the JSON escapes them.
  const maxBodyBytes = JSON_ESCAPE_BYTES * deps.maxQueryChars + 4096;
  const app = createFunctionApp({
    logger: deps.logger,
    maxBodyBytes,
  });

  const vectorStore = new InstrumentedVectorStore(deps.vectorStore);
  const answerer = new InstrumentedAnswerer(deps.answerer);
  const cache = new InstrumentedCache<SearchResponse>(deps.cache, {
    name: "search",
    logger: deps.logger,
    ttlSeconds: deps.cacheTtlSeconds,
  });
  const access = accessControl(deps.access);
  const auth = access.authenticate;
  app.use("/search", access.cors);
  app.use("/namespaces", access.cors);

  // Chained, so that the app's type carries its routes (hono/client, testClient).
  const routes = app
    .post("/search", bodyLimit(maxBodyBytes), auth, jsonBody(requestSchema), async (c) => {
      const started = performance.now();
      const { query, namespace, mode, top_k, alpha, chunks_per_document } = c.req.valid("json");
      authorize(c, namespace, "read");
      const traceId = currentTraceId();
      // The namespace's generation is part of the key: any indexing change makes old answers unreachable.
      const generation = await asDependencyError("index-state", () =>
        deps.indexState.generation(namespace),
      );
      const cacheKey = `search:${namespace}:${generation}:${sha256Hex(JSON.stringify([query.trim(), mode, top_k, alpha, chunks_per_document]))}`;
      const cached = await cache.get(cacheKey);
      if (cached) {
        recordSearchDuration(mode, (performance.now() - started) / 1000, true);
        return c.json(
          {
            ...cached,
            metadata: {
              ...cached.metadata,
              cache_hit: true,
              ...(traceId ? { trace_id: traceId } : {}),
            },
          },
          200,
        );
      }

      const vector = mode === "keyword" ? undefined : await embedQuery(query);
      const sources = await vectorStore.search({
        namespace,
        mode,
        text: query,
        vector,
        topK: top_k,
        alpha,
        chunksPerDocument: chunks_per_document,
      });
      const answer = await answerer.answer(query, sources);
      const response: SearchResponse = {
        answer: answer.answer,
        sources,
        metadata: {
          namespace,
          num_sources: sources.length,
          cache_hit: false,
          mode,
          top_k,
          alpha,
          answer_kind: answer.kind,
          model: answer.model,
        },
      };
      await cache.set(cacheKey, response);
      recordSearchDuration(mode, (performance.now() - started) / 1000, false);
      return c.json(
        {
          ...response,
          metadata: { ...response.metadata, ...(traceId ? { trace_id: traceId } : {}) },
        },
        200,
      );
    })
    .get("/namespaces", auth, async (c) => {
      const namespaces = await vectorStore.namespaces();
      const body: NamespacesResponse = { namespaces: readableBy(c, namespaces) };
      return c.json(body, 200);
    });

  async function embedQuery(query: string): Promise<number[]> {
    const response = await deps.embedClient.embed([query]);
    return response.embeddings[0]!;
  }

  return routes.route("/", deps.extension?.(access) ?? new Hono<Env, S>());
}

/** The search function as main.ts builds it: its own routes and the page's. */
export type SearchApp = ReturnType<typeof createSearchApp<ExtractSchema<SearchPageApp>>>;
