import { enumVar, type Settings } from "../../config/env.ts";
import type { RuntimeConfig } from "../../config/runtime.ts";
import { upstashEnv } from "../upstash/env.ts";
import { FileIndexState } from "./file.ts";
import type { IndexState } from "./index-state.ts";

export { compareVersions, type IndexedVersion, type IndexState } from "./index-state.ts";

export const indexStateEnv = {
  INDEX_STATE: enumVar(["file", "upstash"], "file"),
  ...upstashEnv,
};

export type IndexStateConfig = Settings<typeof indexStateEnv> & Pick<RuntimeConfig, "DATA_DIR">;

/**
 * Files under DATA_DIR locally; Redis wherever index-document and search run in separate pods
 * (nothing else shares what one wrote with the other's reads).
 */
export async function createIndexState(config: IndexStateConfig): Promise<IndexState> {
  switch (config.INDEX_STATE) {
    case "file":
      return new FileIndexState(config.DATA_DIR);
    case "upstash": {
      const [{ UpstashIndexState }, { upstashClientFromConfig }] = await Promise.all([
        import("./upstash.ts"),
        import("../upstash/client.ts"),
      ]);
      return new UpstashIndexState(upstashClientFromConfig(config, "INDEX_STATE=upstash"));
    }
  }
}
