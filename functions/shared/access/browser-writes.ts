import type { Context, MiddlewareHandler } from "hono";
import { HttpProblem, mediaType } from "../runtime/problems.ts";

export interface BrowserWriteOptions {
  /** Origins besides the server's own whose pages may write (ALLOWED_ORIGINS). */
  allowedOrigins: ReadonlySet<string>;
  /**
   * When set, the only media types accepted. A route only browsers use lists non-simple types
   * (application/json, text/markdown): a browser must ask (CORS preflight) before sending those
   * to another origin, and nothing here says yes to a stranger.
   */
  contentTypes?: readonly string[];
}

/**
 * Guards a write a browser can be tricked into sending (CSRF). A page on any site may make its
 * visitor's browser POST a "simple" request — text/plain, a form, no content type — to any URL,
 * with no preflight. Browsers say where such a request comes from: `Origin` (every current browser,
 * on every POST) and `Sec-Fetch-Site`. A write from a page of another origin is refused with 403
 * unless that origin is allow-listed; clients that are not browsers (curl, the CLI, Knative) send
 * neither header and are not affected.
 */
export function browserWriteGuard(options: BrowserWriteOptions): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin !== undefined && !isOwnOrigin(c, origin) && !options.allowedOrigins.has(origin)) {
      throw new HttpProblem(
        403,
        `cross-origin write refused: pages from ${origin} may not write here (ALLOWED_ORIGINS lists the origins that may)`,
      );
    }
    const site = c.req.header("sec-fetch-site");
    if (origin === undefined && (site === "cross-site" || site === "same-site")) {
      throw new HttpProblem(
        403,
        `cross-origin write refused: the browser says this request comes from a ${site} page`,
      );
    }
    if (options.contentTypes) {
      const type = mediaType(c);
      if (!options.contentTypes.includes(type)) {
        throw new HttpProblem(
          415,
          `unsupported content-type "${type}"; send ${options.contentTypes.join(" or ")}`,
        );
      }
    }
    return next();
  };
}

/** Same host and port as the request was sent to; the scheme may differ behind a TLS-terminating ingress. */
function isOwnOrigin(c: Context, origin: string): boolean {
  try {
    return new URL(origin).host === new URL(c.req.url).host;
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and anything unparsable
  }
}
