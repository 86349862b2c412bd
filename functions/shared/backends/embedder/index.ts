import { enumVar, intVar } from "../../config/env.ts";
import type { Embedder } from "./embedder.ts";
import { HashingEmbedder } from "./hashing.ts";

export type { Embedder } from "./embedder.ts";

export const embedderEnv = {
  EMBEDDER: enumVar(["hashing"], "hashing"),
  EMBEDDING_DIMENSIONS: intVar(384, 8, 8192),
};

export interface EmbedderConfig {
  EMBEDDER: "hashing";
  EMBEDDING_DIMENSIONS: number;
}

export async function createEmbedder(config: EmbedderConfig): Promise<Embedder> {
  switch (config.EMBEDDER) {
    case "hashing":
      return new HashingEmbedder(config.EMBEDDING_DIMENSIONS);
  }
}
