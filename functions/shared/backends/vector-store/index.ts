import { enumVar } from "../../config/env.ts";
import type { VectorStore } from "./vector-store.ts";

export type { NamespaceStats, SearchQuery, VectorStore } from "./vector-store.ts";

export const vectorStoreEnv = {
  VECTOR_STORE: enumVar(["embedded"], "embedded"),
};

export interface VectorStoreConfig {
  VECTOR_STORE: "embedded";
  DATA_DIR: string;
}

/** Adapters load lazily so a bundle only pays, at cold start, for the store it uses. */
export async function createVectorStore(config: VectorStoreConfig): Promise<VectorStore> {
  switch (config.VECTOR_STORE) {
    case "embedded": {
      const { EmbeddedVectorStore } = await import("./embedded.ts");
      return new EmbeddedVectorStore(config.DATA_DIR);
    }
  }
}
