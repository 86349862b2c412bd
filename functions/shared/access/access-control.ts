import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { ApiKeys } from "./api-keys.ts";
import { authenticate } from "./authenticate.ts";
import { browserWriteGuard } from "./browser-writes.ts";

export interface AccessSettings {
  /** API_KEYS; none: no authentication. */
  apiKeys?: ApiKeys;
  /** ALLOWED_ORIGINS; none: only pages of the server's own origin may write. */
  allowedOrigins?: readonly string[];
}

/** The access middleware of a public function, built once from its settings. */
export interface AccessControl {
  /** True when API keys are configured. */
  required: boolean;
  /** 401 unless the request has a valid API key (a no-op without API_KEYS). */
  authenticate: MiddlewareHandler;
  /** CORS, preflights included, for the allow-listed origins only (a no-op without ALLOWED_ORIGINS). */
  cors: MiddlewareHandler;
  /** The CSRF guard of a write a browser can send; `contentTypes` limits a browser-only route to non-simple types. */
  browserWrite(contentTypes?: readonly string[]): MiddlewareHandler;
}

/** Headers an allow-listed page may send, beyond the CORS-safelisted ones. */
const ALLOWED_HEADERS = [
  "content-type",
  "authorization",
  "idempotency-key",
  "traceparent",
  "tracestate",
];

export function accessControl(settings: AccessSettings = {}): AccessControl {
  const apiKeys = settings.apiKeys ?? new ApiKeys();
  const allowedOrigins = new Set(settings.allowedOrigins ?? []);
  const passThrough: MiddlewareHandler = (_c, next) => next();
  return {
    required: apiKeys.enabled,
    authenticate: authenticate(apiKeys),
    cors:
      allowedOrigins.size === 0
        ? passThrough
        : cors({
            origin: [...allowedOrigins],
            allowMethods: ["GET", "POST"],
            allowHeaders: ALLOWED_HEADERS,
            exposeHeaders: ["retry-after"],
            maxAge: 600,
          }),
    browserWrite: (contentTypes) => browserWriteGuard({ allowedOrigins, contentTypes }),
  };
}
