// A function's image run the way Knative runs its pod: `podman run` flags derived from the Service
// in knative/<name>.yaml (securityContext, emptyDir volumes, memory limit, readiness path), with
// the env Knative sets. Host network and loopback only: the test reaches it on 127.0.0.1:PORT.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { chmod } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { loadYaml } from "../../deploy/support/repo.ts";
import { startWeaviate, type WeaviateServer } from "../../stack/servers.ts";
import { freePort } from "../../support/free-port.ts";
import { waitFor } from "../../support/wait-for.ts";
import type { FunctionProcess } from "../../support/function-process.ts";
import type { FunctionName } from "../../../functions/functions.ts";
import { imageTag, podmanEnv } from "./podman.ts";

let weaviate: Promise<WeaviateServer> | undefined;
/**
 * The cluster's vector store for the functions that have one (the images carry no embedded store:
 * LanceDB is left out), started once per process; stopClusterVectorStore ends it.
 */
export async function clusterVectorStoreEnv(fn: FunctionName): Promise<Record<string, string>> {
  if (fn !== "index-document" && fn !== "search") return {};
  const server = await (weaviate ??= startWeaviate());
  return {
    VECTOR_STORE: "weaviate",
    WEAVIATE_URL: server.httpUrl,
    WEAVIATE_GRPC_URL: `http://${server.grpcHost}:${server.grpcPort}`,
  };
}

export async function stopClusterVectorStore(): Promise<void> {
  const server = weaviate;
  weaviate = undefined;
  await (await server)?.cleanup();
}

interface Container {
  readinessProbe?: { httpGet?: { path?: string } };
  resources?: { limits?: { memory?: string } };
  securityContext?: {
    runAsUser?: number;
    runAsGroup?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type?: string };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  volumes?: { name: string; emptyDir?: { sizeLimit?: string } }[];
}

function podSpec(fn: FunctionName): PodSpec {
  const service = loadYaml(`knative/${fn}.yaml`)
    .map((d) => d.value as { kind?: string; spec?: { template?: { spec?: PodSpec } } })
    .find((v) => v.kind === "Service");
  const spec = service?.spec?.template?.spec;
  if (!spec) throw new Error(`knative/${fn}.yaml: no Service with spec.template.spec`);
  return spec;
}

/** Kubernetes quantity (Mi/Gi) as podman's size suffix. */
function size(quantity: string): string {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unsupported quantity ${quantity}`);
  return `${match[1]}${match[2] === "Mi" ? "m" : "g"}`;
}

/** The `podman run` flags for what the kubelet would enforce on the function's container. */
export function knativeRunFlags(fn: FunctionName): { flags: string[]; readinessPath: string } {
  const spec = podSpec(fn);
  const container = spec.containers[0]!;
  const security = container.securityContext ?? {};
  const flags: string[] = [];
  if (security.runAsUser !== undefined)
    flags.push("--user", `${security.runAsUser}:${security.runAsGroup ?? security.runAsUser}`);
  // podman's --read-only adds its own tmpfs on /tmp, /run and /var/tmp; the kubelet does not.
  if (security.readOnlyRootFilesystem) flags.push("--read-only", "--read-only-tmpfs=false");
  if (security.allowPrivilegeEscalation === false)
    flags.push("--security-opt", "no-new-privileges");
  for (const cap of security.capabilities?.drop ?? []) flags.push("--cap-drop", cap);
  for (const cap of security.capabilities?.add ?? []) flags.push("--cap-add", cap);
  if (security.seccompProfile?.type && security.seccompProfile.type !== "RuntimeDefault")
    throw new Error(`${fn}: seccomp ${security.seccompProfile.type} is not mapped`);
  for (const mount of container.volumeMounts ?? []) {
    const volume = spec.volumes?.find((v) => v.name === mount.name);
    if (!volume?.emptyDir) throw new Error(`${fn}: volume ${mount.name} is not an emptyDir`);
    const limit = volume.emptyDir.sizeLimit ? `,size=${size(volume.emptyDir.sizeLimit)}` : "";
    flags.push("--tmpfs", `${mount.mountPath}:rw,exec,nosuid,nodev,mode=1777${limit}`);
  }
  const memory = container.resources?.limits?.memory;
  if (memory) flags.push("--memory", size(memory));
  return { flags, readinessPath: container.readinessProbe?.httpGet?.path ?? "/" };
}

export interface FunctionContainer extends FunctionProcess {
  name: string;
}

/**
 * Starts the function's image (built by buildImage) on a free loopback port and resolves once its
 * readiness path answers 200. `child` is the attached `podman run`, which exits with the
 * container's exit code; stop() signals the container itself, as the kubelet does.
 */
export async function startFunctionContainer(
  fn: FunctionName,
  env: Record<string, string>,
): Promise<FunctionContainer> {
  const port = await freePort();
  const name = `knative-rag-test-${fn}-${randomBytes(4).toString("hex")}`;
  const { flags, readinessPath } = knativeRunFlags(fn);
  // A DATA_DIR the caller gives is shared storage (the embedded blob store ingest and index-document
  // share, where the cluster has S3): mounted at the same path and writable by the container's uid.
  // Without one, the image's own DATA_DIR on the /tmp emptyDir.
  if (env.DATA_DIR) {
    await chmod(env.DATA_DIR, 0o777);
    flags.push("--volume", `${env.DATA_DIR}:${env.DATA_DIR}:rw`);
  }
  const envFlags = Object.entries({
    K_SERVICE: fn,
    K_REVISION: `${fn}-test`,
    ...env,
    PORT: String(port),
  }).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  const child = spawn(
    "podman",
    [
      "run",
      "--rm",
      "--name",
      name,
      "--network",
      "host",
      "--pull=never",
      ...flags,
      ...envFlags,
      imageTag(fn),
    ],
    {
      env: podmanEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const logs: string[] = [];
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on("line", (line) => logs.push(line));
  const exited = once(child, "exit") as Promise<[number | null]>;
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `${fn} container ready at ${url}${readinessPath}`,
    () => {
      if (child.exitCode !== null)
        throw new Error(`${fn} container exited with ${child.exitCode} during start-up`);
      return fetch(`${url}${readinessPath}`).then(
        (r) => r.ok,
        () => false,
      );
    },
    60_000,
  ).catch((error: Error) => {
    spawnSync("podman", ["rm", "--force", name], { env: podmanEnv, stdio: "ignore" });
    throw new Error(`${error.message}:\n${logs.join("\n")}`);
  });
  return {
    name,
    url,
    child,
    logs,
    stop: async (signal = "SIGTERM") => {
      const started = Date.now();
      if (child.exitCode !== null) return { code: child.exitCode, ms: 0 };
      // Fails only when the container is already gone, and then the attached client exits too.
      spawnSync("podman", ["kill", "--signal", signal, name], { env: podmanEnv, stdio: "ignore" });
      const [code] = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}
