import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { stackCacheDir } from "./cache.ts";
import { progress } from "./managed-process.ts";
import { runCommand } from "./run-command.ts";

/** True when the weaviate-server binary is built already (ensureWeaviateBinary then starts at once). */
export function weaviateBinaryBuilt(version: string): boolean {
  return existsSync(weaviateBinaryPath(version));
}

function weaviateBinaryPath(version: string): string {
  return join(stackCacheDir(`weaviate-${version}`), "bin", "weaviate-server");
}

/** The weaviate-server binary, built once from its Go module (several minutes on 2 cores) and cached. */
export async function ensureWeaviateBinary(version: string): Promise<string> {
  const server = weaviateBinaryPath(version);
  const bin = dirname(server);
  if (existsSync(server)) return server;
  const began = performance.now();
  progress(
    `building weaviate-server ${version} with go install into ${bin} (takes minutes the first time)`,
  );
  // go install writes the binary only once the build succeeded, so a half build is never taken.
  await runCommand(
    "go",
    ["install", `github.com/weaviate/weaviate/cmd/weaviate-server@v${version}`],
    {
      env: { GOBIN: bin },
      timeoutMs: 40 * 60_000,
    },
  );
  progress(
    `weaviate-server ${version} built in ${((performance.now() - began) / 1000).toFixed(0)}s`,
  );
  return server;
}
