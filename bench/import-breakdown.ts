// Where a cold start's time goes: each function is started as the image runs it (the images' Node,
// telemetry on, compile cache baked) under V8's sampling profiler, from spawn to the first ready
// answer; every sample's self time is mapped through the bundle's source map to the package or
// project folder it came from. What is left after the bare runtime (node bootstrap, idle) is the
// function's own start-up cost. Run: npm run bench -- breakdown
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/support/free-port.ts";
import { waitForReady } from "./ready.ts";
import { fillCompileCache, imageNode, nodeVersion } from "./image-node.ts";
import { measuring, type Cell } from "./report.ts";
import { FUNCTION_NAMES } from "../functions/functions.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const TOP = 14;

/** Which package or project folder a source path belongs to. */
function owner(source: string): string {
  const modules = source.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const [scope, name] = source.slice(modules + "node_modules/".length).split("/");
    return scope!.startsWith("@") ? `${scope}/${name}` : scope!;
  }
  const functions = source.indexOf("functions/");
  if (functions >= 0)
    return source.slice(functions).split("/").slice(0, 3).join("/").replace(/\.ts$/, "");
  return source;
}

async function sourceMaps(dir: string): Promise<Map<string, SourceMap>> {
  const maps = new Map<string, SourceMap>();
  for (const file of await readdir(dir, { recursive: true })) {
    if (!file.endsWith(".mjs")) continue;
    const path = resolve(dir, file);
    const payload = JSON.parse(await readFile(`${path}.map`, "utf8"));
    maps.set(path, new SourceMap(payload));
  }
  return maps;
}

function attribute(frame: ProfileNode["callFrame"], maps: Map<string, SourceMap>): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:"))
    return url
      .replace(/^node:internal\/(deps\/)?/, "node:")
      .split("/")
      .slice(0, 2)
      .join("/");
  const path = url.startsWith("file:") ? fileURLToPath(url) : url;
  const map = maps.get(path);
  if (!map) return path;
  const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string };
  return entry.originalSource ? owner(entry.originalSource) : "(bundle, unmapped)";
}

async function profileOne(
  node: string,
  fn: string,
  dir: string,
): Promise<{ wallMs: number; byOwner: Map<string, number> }> {
  const port = await freePort();
  const profileDir = await mkdtemp(join(dir, `profile-${fn}-`));
  const cache = await mkdtemp(join(dir, `cache-${fn}-`));
  const env = {
    ...process.env,
    DATA_DIR: join(dir, "data"),
    EMBED_URL: "http://127.0.0.1:9",
    K_SINK: "http://127.0.0.1:9/",
    OBSERVABILITY_ENABLED: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    K_SERVICE: fn,
    LOG_LEVEL: "silent",
  };
  fillCompileCache(node, fn, env, cache);
  const started = performance.now();
  const child = spawn(
    node,
    ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--cpu-prof-interval=100", "index.mjs"],
    {
      cwd: join("dist", fn),
      env: { ...env, PORT: String(port), NODE_COMPILE_CACHE: cache },
      stdio: "ignore",
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const wallMs = (await waitForReady(child, port)) - started;
  child.kill("SIGTERM");
  await exited;
  const [file] = await readdir(profileDir);
  const profile = JSON.parse(await readFile(join(profileDir, file!), "utf8")) as Profile;
  const maps = await sourceMaps(resolve("dist", fn));
  const ownerOf = new Map(profile.nodes.map((n) => [n.id, attribute(n.callFrame, maps)]));
  // The profile runs past readiness (until SIGTERM): count only samples up to the ready moment.
  const byOwner = new Map<string, number>();
  let elapsed = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    elapsed += profile.timeDeltas[i]! / 1000;
    if (elapsed > wallMs) break;
    const key = ownerOf.get(profile.samples[i]!)!;
    byOwner.set(key, (byOwner.get(key) ?? 0) + profile.timeDeltas[i]! / 1000);
  }
  return { wallMs, byOwner };
}

export async function importBreakdownBench(): Promise<void> {
  const node = imageNode();
  const dir = await mkdtemp(join(tmpdir(), "bench-breakdown-"));
  try {
    const done = measuring();
    const results = new Map<string, Awaited<ReturnType<typeof profileOne>>>();
    for (const fn of FUNCTION_NAMES) results.set(fn, await profileOne(node, fn, dir));
    const totals = new Map<string, number>();
    for (const { byOwner } of results.values())
      for (const [who, ms] of byOwner) totals.set(who, (totals.get(who) ?? 0) + ms);
    const top = [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([who]) => who);
    const cell = (ms: number | undefined) => (ms === undefined ? "" : `${ms.toFixed(1)} ms`);
    const rows: Cell[][] = [
      [
        "spawn → ready, under the profiler",
        ...FUNCTION_NAMES.map((fn) => cell(results.get(fn)!.wallMs)),
      ],
      ...top.map((who) => [
        who,
        ...FUNCTION_NAMES.map((fn) => cell(results.get(fn)!.byOwner.get(who))),
      ]),
      [
        "everything else",
        ...FUNCTION_NAMES.map((fn) =>
          cell(
            [...results.get(fn)!.byOwner]
              .filter(([who]) => !top.includes(who))
              .reduce((sum, [, ms]) => sum + ms, 0),
          ),
        ),
      ],
    ];
    done({
      title: `Where cold start goes, ${nodeVersion(node)}`,
      note: "Each function as the image runs it (telemetry on, compile cache baked) under V8's sampling profiler (100 µs), from spawn to ready; self time by origin, mapped through the bundles' source maps. (idle) is waiting on I/O, (program) and (native) are V8 and Node internals outside JavaScript, node:… are Node's own JavaScript modules.",
      columns: ["origin", ...FUNCTION_NAMES],
      rows,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
