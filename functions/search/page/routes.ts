import { Hono } from "hono";
import type { Logger } from "../../shared/runtime/logger.ts";
import { problemResponse } from "../../shared/runtime/problems.ts";
import { buildAssets } from "./assets.ts";
import { INGEST_TIMEOUT_MS, type SearchPageOptions } from "./config.ts";
import { ingestProxy } from "./ingest-proxy.ts";
import { Shell } from "./shell.tsx";

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

/** `GET /` and its assets, mounted on the search app through its `extend` hook. */
export function mountSearchPage(options: SearchPageOptions): (app: Hono) => void {
  const { script, style } = buildAssets();
  const html = `<!doctype html>${Shell({
    scriptPath: script.path,
    stylePath: style.path,
    ingestConfigured: options.ingestUrl !== undefined,
    traceUiUrl: options.traceUiUrl,
  })}`;
  return (app) => {
    app.get("/", (c) =>
      c.html(html, 200, {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "cache-control": "no-cache",
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
      }),
    );
    for (const asset of [script, style]) {
      app.get(asset.path, (c) =>
        c.body(asset.body, 200, {
          "content-type": asset.contentType,
          "cache-control": "public, max-age=31536000, immutable",
          "x-content-type-options": "nosniff",
        }),
      );
    }
  };
}

/**
 * Puts `POST /api/ingest` in front of the search app. It cannot be one of the search app's own
 * routes: that app limits request bodies to the size of a query, and documents are larger.
 * Every other request goes to the search app unchanged.
 */
export function withIngestProxy(searchApp: Hono, options: SearchPageOptions & { logger: Logger }): Hono {
  const front = new Hono();
  front.onError((error, c) => {
    const response = problemResponse(c, error);
    if (response.status >= 500) options.logger.warn({ reason: error.message, path: c.req.path }, "ingest proxy failed");
    return response;
  });
  front.post("/api/ingest", ingestProxy({ ingestUrl: options.ingestUrl, timeoutMs: options.ingestTimeoutMs ?? INGEST_TIMEOUT_MS }));
  front.all("*", (c) => searchApp.fetch(c.req.raw, c.env));
  return front;
}
