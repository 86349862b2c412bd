import * as z from "zod";
import type { Settings } from "../config/env.ts";
import { apiKeysVar } from "./api-keys.ts";

/** Access settings of the public functions (ingest, search), spread into their env shapes in main.ts. */
export const accessEnv = {
  /** `name:secret:namespaces:access` entries; unset: no authentication (the laptop default). */
  API_KEYS: apiKeysVar(),
  /** Comma-separated origins (`https://app.example.com`) whose pages may call the API; unset: none but the server's own. */
  ALLOWED_ORIGINS: z.preprocess(
    (value) => (value === undefined ? "" : value),
    z.string().transform((list, ctx) => {
      const origins = list
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean);
      origins.forEach((origin, i) => {
        if (!isOrigin(origin))
          ctx.addIssue({
            code: "custom",
            path: [i + 1],
            message: `"${origin}" is not an origin: scheme, host and port only, e.g. https://app.example.com`,
          });
      });
      return origins;
    }),
  ),
};

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
  } catch {
    return false;
  }
}

/** The settings accessControl() takes, from a parsed config. */
export function accessSettings(config: Settings<typeof accessEnv>) {
  return { apiKeys: config.API_KEYS, allowedOrigins: config.ALLOWED_ORIGINS };
}
