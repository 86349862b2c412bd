// The Go test tools (test/knative-validate and Knative's queue-proxy from its module,
// test/kube-tools, test/monitoring-tools): built with the machine's Go into ~/.cache/knative-rag, with their module and
// build caches there too, so one cold build (CI runs it in .ci/install-knative-tools.sh) serves
// every later run. A binary is rebuilt only when its module's files, the Go version or the flags
// changed: go.sum fixes every dependency, and even a fully cached `go build` spends a minute
// relinking these binaries on busy cores.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { inCi, pinnedVersions, repoPath } from "./repo.ts";

const cacheRoot = path.join(homedir(), ".cache", "knative-rag");
export const goBinDir = path.join(cacheRoot, "bin");

/** Go's environment for the tools: private caches, the local toolchain only, go.sum as committed. */
export function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOMODCACHE: path.join(cacheRoot, "go", "mod"),
    GOCACHE: path.join(cacheRoot, "go", "build"),
    GOTOOLCHAIN: "local",
    GOFLAGS: "-mod=readonly -trimpath -buildvcs=false",
  };
}

export function goCommand(): string | undefined {
  const onPath = (process.env.PATH ?? "")
    .split(path.delimiter)
    .map((dir) => path.join(dir, "go"))
    .find((p) => existsSync(p));
  return onPath ?? (existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : undefined);
}

/** Go is there, or (outside CI) the test is skipped with the reason; in CI its absence fails. */
export function requireGo(t: { skip(message: string): void }): string | undefined {
  const go = goCommand();
  if (go) return go;
  if (inCi)
    throw new Error(
      "Go is missing in CI: the Knative checks need it (the machine image carries Go 1.26)",
    );
  t.skip("Go is not installed: Knative's own validation code cannot run");
  return undefined;
}

/** Each tool: its module (a folder of the repo), the package of its command, its link flags. */
export const GO_TOOLS: Record<string, { module: string; pkg: string; ldflags?: () => string }> = {
  "knative-validate": { module: "test/knative-validate", pkg: "." },
  "kube-apiserver": {
    module: "test/kube-tools",
    pkg: "./cmd/kube-apiserver",
    ldflags: kubernetesVersionFlags,
  },
  kubectl: { module: "test/kube-tools", pkg: "./cmd/kubectl", ldflags: kubernetesVersionFlags },
  // Knative's queue-proxy at the pinned serving release (a `tool` of the validator's module).
  "queue-proxy": { module: "test/knative-validate", pkg: "knative.dev/serving/cmd/queue" },
  promtool: {
    module: "test/monitoring-tools",
    pkg: "github.com/prometheus/prometheus/cmd/promtool",
    ldflags: prometheusVersionFlags,
  },
  "dashboard-decode": { module: "test/monitoring-tools", pkg: "./cmd/dashboard-decode" },
};
export type GoTool =
  | "knative-validate"
  | "kube-apiserver"
  | "kubectl"
  | "queue-proxy"
  | "promtool"
  | "dashboard-decode";

/** The version Prometheus' release build stamps in (its Makefile via promu), from PROMETHEUS_IMAGE. */
function prometheusVersionFlags(): string {
  const version = /^prom\/prometheus:v(\d+\.\d+\.\d+)$/.exec(
    pinnedVersions().get("PROMETHEUS_IMAGE") ?? "",
  );
  if (!version)
    throw new Error("kind/versions.env: PROMETHEUS_IMAGE is not prom/prometheus:vX.Y.Z");
  return `-X github.com/prometheus/common/version.Version=${version[1]}`;
}

/**
 * The version Kubernetes' own build stamps in (hack/lib/version.sh), here the node image's release
 * from kind/versions.env: without it the binaries call themselves v0.0.0-master.
 */
function kubernetesVersionFlags(): string {
  const version = /kindest\/node:(v(\d+)\.(\d+)\.\d+)@/.exec(
    pinnedVersions().get("KIND_NODE_IMAGE") ?? "",
  );
  if (!version)
    throw new Error("kind/versions.env: KIND_NODE_IMAGE names no kindest/node:vX.Y.Z@digest");
  const [, gitVersion, major, minor] = version;
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]
    .flatMap((pkg) => [
      `${pkg}.gitVersion=${gitVersion}`,
      `${pkg}.gitMajor=${major}`,
      `${pkg}.gitMinor=${minor}`,
      `${pkg}.gitTreeState=clean`,
    ])
    .map((flag) => `-X ${flag}`)
    .join(" ");
}

/**
 * Builds a tool into ~/.cache/knative-rag/bin/<name> and returns its path. The binary is written
 * beside and renamed into place, so concurrent test files never run a half-written one.
 */
export function buildGoTool(
  go: string,
  name: GoTool,
): { binary: string; seconds: number; rebuilt: boolean } {
  const { module: moduleDir, pkg, ldflags } = GO_TOOLS[name]!;
  const flags = ldflags ? [`-ldflags=${ldflags()}`] : [];
  mkdirSync(goBinDir, { recursive: true });
  const binary = path.join(goBinDir, name);
  const started = performance.now();
  const stamp = buildStamp(go, moduleDir, [pkg, ...flags].join(" "));
  if (
    existsSync(binary) &&
    existsSync(`${binary}.stamp`) &&
    readFileSync(`${binary}.stamp`, "utf8") === stamp
  ) {
    return { binary, seconds: (performance.now() - started) / 1000, rebuilt: false };
  }
  const partial = `${binary}.${process.pid}.partial`;
  const build = spawnSync("nice", ["-n", "10", go, "build", ...flags, "-o", partial, pkg], {
    cwd: repoPath(moduleDir),
    env: goEnv(),
    encoding: "utf8",
  });
  if (build.status !== 0)
    throw new Error(`go build ${pkg} in ${moduleDir} failed:\n${build.stderr}${build.error ?? ""}`);
  renameSync(partial, binary);
  writeFileSync(`${binary}.stamp`, stamp);
  return { binary, seconds: (performance.now() - started) / 1000, rebuilt: true };
}

/** What the binary depends on: the module's go.mod, go.sum and Go sources, the Go release, the command and its flags. */
function buildStamp(go: string, moduleDir: string, command: string): string {
  const hash = createHash("sha256");
  const version = spawnSync(go, ["version"], { encoding: "utf8" }).stdout;
  hash.update(`${version}\0${goEnv().GOFLAGS}\0${command}\0`);
  const root = repoPath(moduleDir);
  const files = (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => /(\.go|^go\.mod|^go\.sum)$/.test(f))
    .sort();
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(root, file)))
      .update("\0");
  return hash.digest("hex");
}
