import type { UpstashConfig } from "../upstash/env.ts";
import { FileIndexState } from "./file.ts";
import type { IndexState } from "./index-state.ts";

export { compareVersions, type IndexedVersion, type IndexState } from "./index-state.ts";

export interface IndexStateConfig extends UpstashConfig {
  CACHE: "memory" | "upstash";
  DATA_DIR: string;
}

/** Index state lives where the shared cache lives: files locally, Redis when CACHE=upstash. */
export async function createIndexState(config: IndexStateConfig): Promise<IndexState> {
  switch (config.CACHE) {
    case "memory":
      return new FileIndexState(config.DATA_DIR);
    case "upstash": {
      const [{ UpstashIndexState }, { upstashClientFromConfig }] = await Promise.all([import("./upstash.ts"), import("../upstash/client.ts")]);
      return new UpstashIndexState(upstashClientFromConfig(config));
    }
  }
}
