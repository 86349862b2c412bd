import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { goEnv } from "../../deploy/support/go-tools.ts";
import { repoPath } from "../../deploy/support/repo.ts";

/** `knative-validate pods`: a v1 List of the Pods Serving's reconciler code makes for the project's Services. */
export function knativePods(validator: string): { items: any[] } {
  const files = ["knative/system", "knative"].flatMap((dir) =>
    readdirSync(repoPath(dir))
      .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
      .map((f) => repoPath(dir, f)),
  );
  const result = spawnSync(validator, ["pods", ...files], { env: goEnv(), encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}
