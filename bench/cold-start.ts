// Cold start, spawn → first 200 from /health/readiness, every server interleaved round by round
// on this machine's Node and on the images' Node (.ci/image-node.sh): the reference servers
// (bare node:http, faas-js-runtime, Hono with no telemetry / the lean SDK composition / NodeSDK)
// and each function with telemetry off, on, and as the image runs it (telemetry on, plain `node`,
// compile cache baked at build time; Node ≥ 22.1; index-document and search on a real Weaviate
// where it is built, since the images carry no embedded store). The full run adds the image's old command
// (`--enable-source-maps`) as the before. Wall time is the figure; CPU time (all threads, until
// ready) is steadier on a shared machine and decides the two verdicts. Run: npm run bench -- cold-start
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  clusterVectorStoreEnv,
  stopClusterVectorStore,
} from "../test/cluster/images/knative-container.ts";
import { weaviateBinaryBuilt } from "../test/stack/weaviate-binary.ts";
import { WEAVIATE_VERSION } from "../test/stack/versions.ts";
import { freePort } from "../test/support/free-port.ts";
import { FUNCTION_NAMES, type FunctionName } from "../functions/functions.ts";
import { fillCompileCache, imageNode, nodeVersion } from "./image-node.ts";
import { quick, runs } from "./options.ts";
import {
  BARE,
  HONO_LEAN,
  HONO_NODE_SDK,
  referenceApps,
  type ReferenceApp,
} from "./reference-apps.ts";
import { median, p99, timeToReady, type Ready } from "./ready.ts";
import { measuring, type Cell } from "./report.ts";

const RUNS = runs(15, 5);
/** Goal: a function as the image runs it within 1.5x of bare node:http. */
const COLD_START_LIMIT = 1.5;
/** NodeSDK is worth using if it costs at most 10 % more than the lean composition. */
const NODE_SDK_LIMIT = 1.1;

interface Server {
  name: string;
  run: () => Promise<Ready>;
  bundleMb?: number;
}

function compileCacheSupported(version: string): boolean {
  const [major, minor] = version.slice(1).split(".").map(Number) as [number, number];
  return major > 22 || (major === 22 && minor >= 1);
}

async function functionServers(node: string, version: string, dir: string): Promise<Server[]> {
  const common = {
    DATA_DIR: join(dir, "data"),
    EMBED_URL: "http://127.0.0.1:9",
    K_SINK: "http://127.0.0.1:9/",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
  };
  const servers: Server[] = [];
  for (const fn of FUNCTION_NAMES) {
    const script = join("dist", fn, "index.mjs");
    const bundleMb = (await stat(script)).size / 1024 / 1024;
    const on = { ...common, K_SERVICE: fn, OBSERVABILITY_ENABLED: "true" };
    servers.push(
      {
        name: `${fn}, telemetry off`,
        bundleMb,
        run: () => timeToReady(script, { ...on, OBSERVABILITY_ENABLED: "false" }, { node }),
      },
      { name: `${fn}, telemetry on`, bundleMb, run: () => timeToReady(script, on, { node }) },
    );
    if (!quick)
      servers.push({
        name: `${fn}, before: --enable-source-maps`,
        run: () => timeToReady(script, on, { node, flags: ["--enable-source-maps"] }),
      });
    if (compileCacheSupported(version)) {
      const image = { ...on, ...(await imageVectorStore(fn)) };
      const cache = await mkdtemp(join(dir, `cache-${fn}-`));
      fillCompileCache(node, fn, image, cache);
      servers.push({
        name: `${fn}, as the image runs it`,
        run: () => timeToReady(script, { ...image, NODE_COMPILE_CACHE: cache }, { node }),
      });
    }
  }
  return servers;
}

/** The images' vector store where Weaviate is built (npm run test:stack builds it), else the embedded one. */
async function imageVectorStore(fn: FunctionName): Promise<Record<string, string>> {
  if (weaviateBinaryBuilt(WEAVIATE_VERSION)) return clusterVectorStoreEnv(fn);
  if (fn === "index-document" || fn === "search")
    console.error(`bench: ${fn} as the image runs it: no Weaviate built, so on the embedded store`);
  return {};
}

function referenceServers(apps: ReferenceApp[], node: string): Server[] {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9", K_SERVICE: "bench" };
  return apps.map((app) => ({
    name: app.name,
    bundleMb: app.bundleMb,
    run: () => timeToReady(app.args, env, { node, portVariable: app.portVariable }),
  }));
}

async function benchNode(node: string, apps: ReferenceApp[], dir: string): Promise<void> {
  const version = nodeVersion(node);
  const done = measuring();
  const servers = [...referenceServers(apps, node), ...(await functionServers(node, version, dir))];
  const samples = new Map<string, Ready[]>(servers.map((s) => [s.name, []]));
  for (let round = 0; round < RUNS; round++)
    for (const server of servers) samples.get(server.name)!.push(await server.run());
  const of = (name: string, pick: (r: Ready) => number) => median(samples.get(name)!.map(pick));
  const bareMs = of(BARE, (r) => r.ms);
  const bareCpu = of(BARE, (r) => r.cpuMs);
  const rows: Cell[][] = servers.map(({ name, bundleMb }) => [
    name,
    bundleMb === undefined ? "" : `${bundleMb.toFixed(2)} MB`,
    `${of(name, (r) => r.ms).toFixed(0)} ms`,
    `${p99(samples.get(name)!.map((r) => r.ms)).toFixed(0)} ms`,
    `${(of(name, (r) => r.ms) / bareMs).toFixed(2)}x`,
    `${of(name, (r) => r.cpuMs).toFixed(0)} ms`,
    `${(of(name, (r) => r.cpuMs) / bareCpu).toFixed(2)}x`,
    `${of(name, (r) => r.rssMb).toFixed(0)} MB`,
  ]);
  const verdicts: string[] = [];
  const sdk = of(HONO_NODE_SDK, (r) => r.cpuMs) / of(HONO_LEAN, (r) => r.cpuMs);
  verdicts.push(
    `NodeSDK / lean composition, CPU to ready: ${sdk.toFixed(2)}x (${sdk <= NODE_SDK_LIMIT ? "within" : "over"} the ${NODE_SDK_LIMIT}x limit).`,
  );
  const imageRuns = servers.filter((s) => s.name.endsWith("as the image runs it"));
  if (imageRuns.length > 0) {
    const worst = Math.max(...imageRuns.map((s) => of(s.name, (r) => r.cpuMs) / bareCpu));
    verdicts.push(
      `Worst function as the image runs it, CPU to ready: ${worst.toFixed(2)}x bare (goal ${COLD_START_LIMIT}x: ${worst <= COLD_START_LIMIT ? "met" : "not met"}).`,
    );
  }
  done({
    title: `Cold start, ${version}`,
    note: `Spawn → first 200 from /health/readiness, median (and p99 of wall time) of ${RUNS} interleaved rounds; ratios to ${BARE} in the same run. ${verdicts.join(" ")}`,
    columns: ["server", "bundle", "wall", "wall p99", "x bare", "CPU", "x bare", "RSS"],
    rows,
  });
}

export async function coldStartBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-cold-"));
  try {
    const apps = await referenceApps(dir);
    const nodes = quick ? [imageNode()] : [process.execPath, imageNode()];
    for (const node of nodes) await benchNode(node, apps, dir);
  } finally {
    await stopClusterVectorStore();
    await rm(dir, { recursive: true, force: true });
  }
}
