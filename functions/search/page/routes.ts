import { Hono } from "hono";
import type { AccessControl } from "../../shared/access/access-control.ts";
import { requireAccess } from "../../shared/access/authenticate.ts";
import { buildAssets } from "./assets.ts";
import { INGEST_TIMEOUT_MS, type SearchPageOptions } from "./config.ts";
import { ingestProxy } from "./ingest-proxy.ts";
import { Shell } from "./shell.tsx";

const INGEST_PROXY_PATH = "/api/ingest";
/** What the page sends to /api/ingest: JSON (the form) or Markdown; both need a CORS preflight cross-origin. */
const PAGE_WRITE_TYPES = ["application/json", "text/markdown"];

// Scripts and styles only from this origin; fetches only to it; no inline code of any kind.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The page: `GET /`, its assets, and `POST /api/ingest` (forwarded to ingest, so the browser talks
 * to one origin; its body is streamed on, and ingest enforces the document size limit).
 */
export function searchPage(options: SearchPageOptions) {
  const { script, style } = buildAssets();
  const html = (authRequired: boolean) =>
    `<!doctype html>${Shell({
      scriptPath: script.path,
      stylePath: style.path,
      ingestConfigured: options.ingestUrl !== undefined,
      traceUiUrl: options.traceUiUrl,
      authRequired,
    })}`;
  return (access: AccessControl) => {
    const page = html(access.required);
    const app = new Hono();
    for (const asset of [script, style]) {
      app.get(asset.path, (c) =>
        c.body(asset.body, 200, {
          "content-type": asset.contentType,
          "cache-control": "public, max-age=31536000, immutable",
          "x-content-type-options": "nosniff",
        }),
      );
    }
    // Only this page posts here: same origin (or ALLOWED_ORIGINS) and a type a stranger's page
    // cannot send without a preflight. Authenticated here, so a bad key never reaches ingest;
    // ingest, given the same key, decides the namespace.
    app.use(INGEST_PROXY_PATH, access.cors);
    // Chained, so that the search app's type carries these routes (hono/client, testClient).
    return app
      .get("/", (c) =>
        c.html(page, 200, {
          "content-security-policy": CONTENT_SECURITY_POLICY,
          "cache-control": "no-cache",
          "referrer-policy": "no-referrer",
          "x-content-type-options": "nosniff",
        }),
      )
      .post(
        INGEST_PROXY_PATH,
        access.browserWrite(PAGE_WRITE_TYPES),
        access.authenticate,
        requireAccess("write"),
        ingestProxy({
          ingestUrl: options.ingestUrl,
          timeoutMs: options.ingestTimeoutMs ?? INGEST_TIMEOUT_MS,
        }),
      );
  };
}

/** The page's routes, as the search app composes them. */
export type SearchPageApp = ReturnType<ReturnType<typeof searchPage>>;
