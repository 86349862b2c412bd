import { createHash } from "node:crypto";
import * as client from "./client.ts";
import * as clientAuth from "./client-auth.ts";
import * as clientText from "./client-text.ts";
import { styles } from "./styles.ts";

export interface Asset {
  path: string;
  contentType: string;
  body: string;
}

/**
 * The browser script: the client functions' own source text in one IIFE, so the page needs no
 * build step of its own and the script is type-checked with the rest of the project.
 */
export function clientScript(): string {
  const { start, ...rest } = client;
  const functions = [
    ...Object.values(clientText),
    ...Object.values(clientAuth),
    ...Object.values(rest),
  ].filter((value) => typeof value === "function");
  return [
    '"use strict";',
    "(() => {",
    // tsx (tests) compiles with keepNames, which wraps functions in __name(); the browser needs a stand-in.
    "const __name = (target) => target;",
    ...functions.map(String),
    `(${String(start)})();`,
    "})();",
  ].join("\n");
}

/** The script and stylesheet under content-hashed paths, so browsers may cache them forever. */
export function buildAssets(): { script: Asset; style: Asset } {
  const asset = (name: string, extension: string, contentType: string, body: string): Asset => {
    const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
    return { path: `/assets/${name}.${hash}.${extension}`, contentType, body };
  };
  return {
    script: asset("search-page", "js", "text/javascript; charset=utf-8", clientScript()),
    style: asset("search-page", "css", "text/css; charset=utf-8", styles),
  };
}
