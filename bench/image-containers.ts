// The function images under podman (.ci/install-images.sh, test/cluster/images): their sizes, and
// cold start as a container, `podman create` → first 200 from the readiness path, with the flags
// the Knative Service implies (read-only root, uid 1000, no capabilities, /tmp emptyDir, memory
// limit; host network), beside the same bundle as a bare process on the images' Node with the
// compile cache baked as the image bakes it. Interleaved round by round. Skipped, saying why, where
// podman or the stand-in base image is missing. index-document and search run on a real Weaviate,
// as in the cluster (the images carry no embedded store). Run: npm run bench -- containers
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  clusterVectorStoreEnv,
  knativeRunFlags,
  stopClusterVectorStore,
} from "../test/cluster/images/knative-container.ts";
import { FUNCTION_NAMES, type FunctionName } from "../functions/functions.ts";
import {
  baseImage,
  buildImage,
  imageBytes,
  imageTag,
  podman,
  podmanEnv,
  podmanMissing,
} from "../test/cluster/images/podman.ts";
import { freePort } from "../test/support/free-port.ts";
import { fillCompileCache, imageNode, nodeVersion } from "./image-node.ts";
import { runs } from "./options.ts";
import { median, residentMb, timeToReady, type Ready } from "./ready.ts";
import { measuring } from "./report.ts";

const RUNS = runs(7, 3);

interface ContainerReady {
  /** podman create → first 200. */
  ms: number;
  /** podman start → first 200. */
  startMs: number;
  rssMb: number;
}

async function containerToReady(
  fn: FunctionName,
  env: Record<string, string>,
): Promise<ContainerReady> {
  const port = await freePort();
  const name = `knative-rag-bench-${fn}-${randomBytes(4).toString("hex")}`;
  const { flags, readinessPath } = knativeRunFlags(fn);
  const envFlags = Object.entries({ ...env, PORT: String(port), LOG_LEVEL: "silent" }).flatMap(
    ([k, v]) => ["--env", `${k}=${v}`],
  );
  const created = performance.now();
  podman([
    "create",
    "--name",
    name,
    "--network",
    "host",
    "--pull=never",
    ...flags,
    ...envFlags,
    imageTag(fn),
  ]);
  try {
    const started = performance.now();
    podman(["start", name]);
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}${readinessPath}`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (podman(["inspect", "--format", "{{.State.Running}}", name]) !== "true")
        throw new Error(`${fn} container stopped before it was ready:\n${podman(["logs", name])}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const ready = performance.now();
    const pid = Number(podman(["inspect", "--format", "{{.State.Pid}}", name]));
    return { ms: ready - created, startMs: ready - started, rssMb: await residentMb(pid) };
  } finally {
    spawnSync("podman", ["rm", "--force", "--time", "0", name], {
      env: podmanEnv,
      stdio: "ignore",
    });
  }
}

export async function imageContainersBench(): Promise<void> {
  const missing = podmanMissing();
  if (missing) {
    console.log(`\nImage containers: skipped, ${missing}`);
    return;
  }
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const builds = FUNCTION_NAMES.map((fn) => ({ fn, ...buildImage(fn) }));
  const base = imageBytes(baseImage());
  const node = imageNode();
  const dir = await mkdtemp(join(tmpdir(), "bench-containers-"));
  try {
    const deadCollector = `http://127.0.0.1:${await freePort()}`;
    const envOf = async (fn: FunctionName) => ({
      ...(await clusterVectorStoreEnv(fn)),
      K_SERVICE: fn,
      K_REVISION: `${fn}-00001`,
      K_CONFIGURATION: fn,
      OBSERVABILITY_ENABLED: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: deadCollector,
      EMBED_URL: "http://127.0.0.1:9",
      K_SINK: "http://127.0.0.1:9/",
    });
    const caches = new Map<FunctionName, string>();
    for (const fn of FUNCTION_NAMES) {
      const cache = await mkdtemp(join(dir, `cache-${fn}-`));
      fillCompileCache(node, fn, await envOf(fn), cache);
      caches.set(fn, cache);
    }
    const done = measuring();
    const bare = new Map<FunctionName, Ready[]>();
    const containers = new Map<FunctionName, ContainerReady[]>();
    for (let round = 0; round < RUNS; round++) {
      for (const fn of FUNCTION_NAMES) {
        const env = {
          ...(await envOf(fn)),
          DATA_DIR: join(dir, "data"),
          NODE_COMPILE_CACHE: caches.get(fn)!,
        };
        bare.set(fn, [
          ...(bare.get(fn) ?? []),
          await timeToReady(join("dist", fn, "index.mjs"), env, { node }),
        ]);
        containers.set(fn, [
          ...(containers.get(fn) ?? []),
          await containerToReady(fn, await envOf(fn)),
        ]);
      }
    }
    done({
      title:
        "Function images under podman: size, and cold start as a container beside the bare process",
      note: `Stand-in base ${baseImage()} (debootstrap minbase + official Node ${nodeVersion(node)}): ${mb(base)} MB. Median of ${RUNS} interleaved; container: podman create → first 200 from the readiness path, runc, Knative's securityContext, host network; bare: the same bundle on the same Node with the same baked compile cache. Build time is with podman's layer cache as it stood.`,
      columns: [
        "function",
        "image MB",
        "over base MB",
        "build s",
        "bare ms",
        "container ms",
        "start → 200 ms",
        "overhead ms",
        "bare RSS MB",
        "container RSS MB",
      ],
      rows: builds.map(({ fn, tag, ms }) => {
        const b = bare.get(fn)!;
        const c = containers.get(fn)!;
        const bareMs = median(b.map((r) => r.ms));
        const containerMs = median(c.map((r) => r.ms));
        return [
          fn,
          mb(imageBytes(tag)),
          mb(imageBytes(tag) - base),
          (ms / 1000).toFixed(1),
          bareMs.toFixed(0),
          containerMs.toFixed(0),
          median(c.map((r) => r.startMs)).toFixed(0),
          (containerMs - bareMs).toFixed(0),
          median(b.map((r) => r.rssMb)).toFixed(0),
          median(c.map((r) => r.rssMb)).toFixed(0),
        ];
      }),
    });
  } finally {
    await stopClusterVectorStore();
    await rm(dir, { recursive: true, force: true });
  }
}
