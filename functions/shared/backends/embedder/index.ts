import * as z from "zod";
import { enumVar, type Settings, stringVar } from "../../config/env.ts";
import { analyzerEnv } from "../../config/analyzer-env.ts";
import { createAnalyzer } from "../../domain/analyzer.ts";
import { openAiEnv } from "../openai/env.ts";
import type { Embedder } from "./embedder.ts";
import { HashingEmbedder } from "./hashing.ts";

export type { Embedder } from "./embedder.ts";

export const embedderEnv = {
  EMBEDDER: enumVar(["hashing", "openai"], "hashing"),
  EMBEDDING_MODEL: stringVar("text-embedding-3-small"),
  /** Default 384 for hashing, 1536 for openai (text-embedding-3-small). */
  EMBEDDING_DIMENSIONS: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number().int().min(8).max(8192).optional(),
  ),
  ...openAiEnv,
  ...analyzerEnv,
};

export type EmbedderConfig = Settings<typeof embedderEnv>;

export async function createEmbedder(config: EmbedderConfig): Promise<Embedder> {
  switch (config.EMBEDDER) {
    case "hashing":
      return new HashingEmbedder(
        config.EMBEDDING_DIMENSIONS ?? 384,
        createAnalyzer(config.TEXT_ANALYZER),
      );
    case "openai": {
      const [{ OpenAiEmbedder }, { openAiClientFromConfig }] = await Promise.all([
        import("./openai.ts"),
        import("../openai/client.ts"),
      ]);
      const client = openAiClientFromConfig(config, "EMBEDDER=openai without OPENAI_BASE_URL");
      return new OpenAiEmbedder(
        client,
        config.EMBEDDING_MODEL,
        config.EMBEDDING_DIMENSIONS ?? 1536,
        config.EMBEDDING_DIMENSIONS !== undefined,
      );
    }
  }
}
