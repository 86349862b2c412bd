// podman as the image tests and the image bench call it: this repo's containers.conf (runc, ulimits
// the host allows), the project's Dockerfile, and the stand-in base image .ci/install-images.sh
// imports under the tag the Dockerfile names.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { FunctionName } from "../../../functions/functions.ts";
import { repoPath } from "../../deploy/support/repo.ts";

export const podmanEnv = {
  ...process.env,
  CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? repoPath("test/cluster/images/containers.conf"),
};

/** The Dockerfile's `ARG NODE_IMAGE`, fully qualified as podman stores it. */
export function baseImage(): string {
  const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(readFileSync(repoPath("Dockerfile"), "utf8"))?.[1];
  if (!base) throw new Error("Dockerfile: no ARG NODE_IMAGE");
  return `docker.io/library/${base}`;
}

export function imageTag(fn: FunctionName): string {
  return `localhost/knative-rag/${fn}:test`;
}

/** Runs podman to completion; throws with its output when it fails. */
export function podman(args: string[]): string {
  const result = spawnSync("podman", args, {
    env: podmanEnv,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(
      `podman ${args.join(" ")} exited with ${result.status}:\n${result.stderr}${result.stdout}`,
    );
  return result.stdout.trim();
}

/** Why the image tests cannot run here (podman or the base image missing), or undefined. */
export function podmanMissing(): string | undefined {
  if (spawnSync("podman", ["--version"], { env: podmanEnv }).status !== 0)
    return "podman is not installed (bash .ci/install-images.sh)";
  if (spawnSync("podman", ["image", "exists", baseImage()], { env: podmanEnv }).status !== 0)
    return `no base image ${baseImage()} (bash .ci/install-images.sh)`;
  return undefined;
}

/**
 * Builds a function's image from the Dockerfile, as kind/build-images.sh does. Unchanged layers
 * come from podman's cache, so this also tells whether the image is current. Host network: the
 * build's npm ci needs the registry, and the compile-cache bake listens on loopback.
 */
export function buildImage(fn: FunctionName): { tag: string; ms: number } {
  const started = Date.now();
  const tag = imageTag(fn);
  podman([
    "build",
    "--quiet",
    "--network",
    "host",
    "--pull=never",
    "--build-arg",
    `FUNCTION=${fn}`,
    "--tag",
    tag,
    repoPath(),
  ]);
  return { tag, ms: Date.now() - started };
}

export function imageBytes(image: string): number {
  return Number(podman(["image", "inspect", "--format", "{{.Size}}", image]));
}
