import {
  enumVar,
  intVar,
  optionalString,
  optionalUrl,
  type Settings,
  stringVar,
} from "../../config/env.ts";
import { requireSetting, type RuntimeConfig } from "../../config/runtime.ts";
import { analyzerEnv } from "../../config/analyzer-env.ts";
import { createAnalyzer } from "../../domain/analyzer.ts";
import type { Logger } from "../../runtime/logger.ts";
import type { VectorStore } from "./vector-store.ts";

export type { NamespaceStats, SearchQuery, VectorStore } from "./vector-store.ts";

export const vectorStoreEnv = {
  VECTOR_STORE: enumVar(["embedded", "weaviate"], "embedded"),
  WEAVIATE_URL: optionalUrl(),
  WEAVIATE_GRPC_URL: optionalUrl(),
  WEAVIATE_API_KEY: optionalString(),
  WEAVIATE_COLLECTION: stringVar("DocumentChunk"),
  WEAVIATE_TIMEOUT_SECONDS: intVar(10, 1, 600),
  ...analyzerEnv,
};

export type VectorStoreConfig = Settings<typeof vectorStoreEnv> & Pick<RuntimeConfig, "DATA_DIR">;

export type StoreWarning = (message: string, error?: unknown) => void;

/** Logs what the store recovered from on its own (an old DATA_DIR layout, a failed compaction). */
export function storeWarnings(logger: Logger): StoreWarning {
  return (message, error) => logger.warn({ err: error }, message);
}

/** Adapters load lazily so a bundle only pays, at cold start, for the store it uses. */
export async function createVectorStore(
  config: VectorStoreConfig,
  warn?: StoreWarning,
): Promise<VectorStore> {
  switch (config.VECTOR_STORE) {
    case "embedded": {
      const { EmbeddedVectorStore } = await import("./embedded.ts").catch((error: unknown) => {
        throw new Error(
          "VECTOR_STORE=embedded needs the @lancedb/lancedb package, which `npm ci` installs and the container images leave out: set VECTOR_STORE=weaviate there",
          { cause: error },
        );
      });
      return new EmbeddedVectorStore(config.DATA_DIR, createAnalyzer(config.TEXT_ANALYZER), warn);
    }
    case "weaviate": {
      const { WeaviateVectorStore } = await import("./weaviate.ts");
      return new WeaviateVectorStore({
        httpUrl: requireSetting(config.WEAVIATE_URL, "WEAVIATE_URL", "VECTOR_STORE=weaviate"),
        grpcUrl: requireSetting(
          config.WEAVIATE_GRPC_URL,
          "WEAVIATE_GRPC_URL",
          "VECTOR_STORE=weaviate",
        ),
        apiKey: config.WEAVIATE_API_KEY,
        collection: config.WEAVIATE_COLLECTION,
        timeoutSeconds: config.WEAVIATE_TIMEOUT_SECONDS,
        analyzer: createAnalyzer(config.TEXT_ANALYZER),
      });
    }
  }
}
