import { apiKeysVar } from "./api-keys.ts";

/** Access settings of the public functions (ingest, search), spread into their env shapes in main.ts. */
export const accessEnv = {
  /** `name:secret:namespaces:access` entries; unset: no authentication (the laptop default). */
  API_KEYS: apiKeysVar(),
};
