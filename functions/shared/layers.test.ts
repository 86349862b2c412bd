import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// The dependency rule of CONTRIBUTING.md, for product code (tests and contracts may compose any).
const LAYERS = ["domain", "config", "telemetry", "runtime", "backends", "access"];
const SHARED_CLIENTS = new Set(["openai", "upstash"]);
const root = dirname(fileURLToPath(import.meta.url));

function productFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return productFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(test|contract)\.ts$/.test(entry.name) ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)].map((m) =>
    resolve(dirname(file), m[1]!),
  );
}

/** [layer, backend kind] of a file under functions/shared/, or undefined outside the layers. */
function place(file: string): [number, string | undefined] | undefined {
  const [top, kind, ...rest] = relative(root, file).split(sep);
  const layer = LAYERS.indexOf(top!);
  if (layer < 0) return undefined;
  return [layer, top === "backends" && rest.length > 0 ? kind : undefined];
}

describe("functions/shared dependencies", () => {
  const edges = LAYERS.flatMap((layer) => productFiles(join(root, layer))).flatMap((file) =>
    relativeImports(file).map((target) => [file, target] as const),
  );

  it("go one way: a layer imports only the layers before it", () => {
    const upward = edges
      .filter(([file, target]) => (place(target)?.[0] ?? -1) > place(file)![0])
      .map(([file, target]) => `${relative(root, file)} → ${relative(root, target)}`);
    assert.deepEqual(upward, []);
  });

  it("never from one backend kind to another's adapter, shared clients aside", () => {
    const across = edges
      .filter(([file, target]) => {
        const from = place(file)![1];
        const to = place(target)?.[1];
        return from !== undefined && to !== undefined && from !== to && !SHARED_CLIENTS.has(to);
      })
      .map(([file, target]) => `${relative(root, file)} → ${relative(root, target)}`);
    assert.deepEqual(across, []);
  });
});
