import { enumVar, intVar, optionalString, optionalUrl, stringVar } from "../../config/env.ts";
import { requireSetting } from "../../config/runtime.ts";
import { analyzerEnv } from "../../config/analyzer-env.ts";
import { type AnalyzerLanguage, createAnalyzer } from "../../domain/analyzer.ts";
import type { Logger } from "../../runtime/logger.ts";
import { recordCorruptFile } from "../../telemetry/pipeline-metrics.ts";
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

export interface VectorStoreConfig {
  VECTOR_STORE: "embedded" | "weaviate";
  DATA_DIR: string;
  WEAVIATE_URL?: string | undefined;
  WEAVIATE_GRPC_URL?: string | undefined;
  WEAVIATE_API_KEY?: string | undefined;
  WEAVIATE_COLLECTION: string;
  WEAVIATE_TIMEOUT_SECONDS: number;
  TEXT_ANALYZER: AnalyzerLanguage;
}

export type CorruptFileReporter = (file: string, error: unknown) => void;

/** Logs and counts a skipped file, naming it (relative to DATA_DIR). */
export function corruptFileReporter(logger: Logger): CorruptFileReporter {
  return (file, error) => {
    logger.error({ err: error, file }, "unreadable vector file skipped");
    recordCorruptFile(file);
  };
}

/** Adapters load lazily so a bundle only pays, at cold start, for the store it uses. */
export async function createVectorStore(config: VectorStoreConfig, reportCorruptFile?: CorruptFileReporter): Promise<VectorStore> {
  switch (config.VECTOR_STORE) {
    case "embedded": {
      const { EmbeddedVectorStore } = await import("./embedded.ts");
      return new EmbeddedVectorStore(config.DATA_DIR, createAnalyzer(config.TEXT_ANALYZER), reportCorruptFile);
    }
    case "weaviate": {
      const { WeaviateVectorStore } = await import("./weaviate.ts");
      return new WeaviateVectorStore({
        httpUrl: requireSetting(config.WEAVIATE_URL, "WEAVIATE_URL", "VECTOR_STORE=weaviate"),
        grpcUrl: requireSetting(config.WEAVIATE_GRPC_URL, "WEAVIATE_GRPC_URL", "VECTOR_STORE=weaviate"),
        apiKey: config.WEAVIATE_API_KEY,
        collection: config.WEAVIATE_COLLECTION,
        timeoutSeconds: config.WEAVIATE_TIMEOUT_SECONDS,
        analyzer: createAnalyzer(config.TEXT_ANALYZER),
      });
    }
  }
}
