import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { FUNCTION_NAMES } from "./functions.ts";

const root = dirname(fileURLToPath(import.meta.url));

it("lists exactly the functions the build bundles (each functions/<name>/main.ts)", () => {
  const bundled = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, "main.ts")))
    .map((entry) => entry.name);
  assert.deepEqual([...FUNCTION_NAMES].sort(), bundled.sort());
});
