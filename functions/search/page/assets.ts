import { createHash } from "node:crypto";
import { clientScript } from "./client-script.ts";
import { styles } from "./styles.ts";

export interface Asset {
  path: string;
  contentType: string;
  body: string;
}

/** The script and stylesheet under content-hashed paths, so browsers may cache them forever. */
export function buildAssets(): { script: Asset; style: Asset } {
  const asset = (name: string, extension: string, contentType: string, body: string): Asset => {
    const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
    return { path: `/assets/${name}.${hash}.${extension}`, contentType, body };
  };
  return {
    script: asset("search-page", "js", "text/javascript; charset=utf-8", clientScript),
    style: asset("search-page", "css", "text/css; charset=utf-8", styles),
  };
}
