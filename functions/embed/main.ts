// First: the telemetry SDK must be in place before anything asks for a tracer or meter.
import "../shared/telemetry/register.ts";
import { intVar } from "../shared/config/env.ts";
import { cacheEnv, createCache } from "../shared/backends/cache/index.ts";
import { createEmbedder, embedderEnv } from "../shared/backends/embedder/index.ts";
import { startFunction } from "../shared/runtime/bootstrap.ts";
import { createEmbedApp } from "./app.ts";

await startFunction(
  "embed",
  {
    ...embedderEnv,
    ...cacheEnv,
    EMBEDDING_CACHE_TTL_SECONDS: intVar(7 * 24 * 3600, 1),
    EMBED_MAX_INPUTS: intVar(2048, 1),
    EMBED_MAX_INPUT_CHARS: intVar(32_000, 1),
    // ~250k tokens, OpenAI's per-request order; at most ~6 MB of JSON on the wire within the 192Mi request.
    EMBED_MAX_REQUEST_CHARS: intVar(1_000_000, 1),
  },
  async ({ config, logger }) => {
    const [embedder, cache] = await Promise.all([createEmbedder(config), createCache(config)]);
    const app = createEmbedApp({
      embedder,
      cache,
      logger,
      cacheTtlSeconds: config.EMBEDDING_CACHE_TTL_SECONDS,
      maxInputs: config.EMBED_MAX_INPUTS,
      maxInputChars: config.EMBED_MAX_INPUT_CHARS,
      maxRequestChars: config.EMBED_MAX_REQUEST_CHARS,
    });
    // The cache degrades gracefully, so it does not gate readiness.
    return { app, dependencies: { embedder, cache: { adapter: cache, optional: true } } };
  },
);
