// First: the telemetry SDK must be in place before anything asks for a tracer or meter.
import "../shared/telemetry/register.ts";
import { intVar, urlVar } from "../shared/config/env.ts";
import { answererEnv, createAnswerer } from "../shared/backends/answerer/index.ts";
import { cacheEnv, createCache } from "../shared/backends/cache/index.ts";
import { createIndexState, indexStateEnv } from "../shared/backends/index-state/index.ts";
import {
  storeWarnings,
  createVectorStore,
  vectorStoreEnv,
} from "../shared/backends/vector-store/index.ts";
import { EmbedClient } from "../shared/embed-client.ts";
import { accessEnv, accessSettings } from "../shared/access/env.ts";
import { startFunction } from "../shared/runtime/bootstrap.ts";
import { createSearchApp } from "./app.ts";
import { searchPageEnv } from "./page/config.ts";
import { searchPage } from "./page/routes.ts";

await startFunction(
  "search",
  {
    ...vectorStoreEnv,
    ...cacheEnv,
    ...indexStateEnv,
    ...answererEnv,
    EMBED_URL: urlVar(),
    EMBED_TIMEOUT_MS: intVar(10_000, 100),
    SEARCH_CACHE_TTL_SECONDS: intVar(300, 1),
    MAX_QUERY_CHARS: intVar(2048, 1, 100_000),
    ...searchPageEnv,
    ...accessEnv,
  },
  async ({ config, logger }) => {
    const [vectorStore, indexState, cache, answerer] = await Promise.all([
      createVectorStore(config, storeWarnings(logger)),
      createIndexState(config),
      createCache(config),
      createAnswerer(config),
    ]);
    const page = { ingestUrl: config.INGEST_URL, traceUiUrl: config.TRACE_UI_URL };
    const app = createSearchApp({
      vectorStore,
      indexState,
      cache,
      answerer,
      embedClient: new EmbedClient(config.EMBED_URL, config.EMBED_TIMEOUT_MS),
      logger,
      cacheTtlSeconds: config.SEARCH_CACHE_TTL_SECONDS,
      maxQueryChars: config.MAX_QUERY_CHARS,
      access: accessSettings(config),
      extension: searchPage(page),
    });
    return {
      app,
      // The cache degrades gracefully, so it does not gate readiness.
      dependencies: {
        vectorStore,
        indexState,
        cache: { adapter: cache, optional: true },
        answerer,
      },
    };
  },
);
