// The Node.js the container images run (.ci/image-node.sh) and the compile cache their build bakes.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export function imageNode(): string {
  const bin = execFileSync("bash", [".ci/image-node.sh"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
  return join(bin, "node");
}

export function nodeVersion(node: string): string {
  return execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
}

/** Fills a compile cache exactly as the image build does (scripts/bake-compile-cache.mjs). */
export function fillCompileCache(
  node: string,
  fn: string,
  env: Record<string, string | undefined>,
  dir: string,
): void {
  execFileSync(node, [join(process.cwd(), "scripts", "bake-compile-cache.mjs")], {
    cwd: join("dist", fn),
    env: { ...process.env, ...env, NODE_COMPILE_CACHE: dir },
    stdio: ["ignore", "ignore", "pipe"],
  });
}
