// Where a cold start's time goes: each function is started as the image runs it (the images' Node,
// telemetry on, compile cache baked) under V8's sampling profiler, from spawn to the first ready
// answer; every sample's self time is mapped through the bundle's source map to the package or
// project folder it came from. A bare node:http server is profiled the same way beside them: what
// it shows too (node's bootstrap and ESM loader, and the undici, http2 and web streams modules that
// an ESM `import "node:http"` loads) is the floor, not the function's. Rounds are interleaved and
// averaged, so that one slow sample does not make an origin. Run: npm run bench -- breakdown
import { spawn } from "node:child_process";
import { appendFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/support/free-port.ts";
import { waitForReady } from "./ready.ts";
import { fillCompileCache, imageNode, nodeVersion } from "./image-node.ts";
import { quick, runs } from "./options.ts";
import { BARE, writeBareServer } from "./reference-apps.ts";
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

const TOP = 16;
const ROUNDS = runs(5, 2);

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

/** A server to profile: a script started with the images' Node in `cwd`, and its bundle's maps. */
interface Target {
  name: string;
  cwd: string;
  script: string;
  env: Record<string, string | undefined>;
  maps: Map<string, SourceMap>;
}

async function functionTarget(node: string, fn: string, dir: string): Promise<Target> {
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
  const cwd = resolve("dist", fn);
  return {
    name: fn,
    cwd,
    script: "index.mjs",
    env: { ...env, NODE_COMPILE_CACHE: cache },
    maps: await sourceMaps(cwd),
  };
}

async function profileOne(
  node: string,
  target: Target,
  dir: string,
): Promise<{ wallMs: number; byOwner: Map<string, number> }> {
  const port = await freePort();
  const profileDir = await mkdtemp(join(dir, `profile-${target.name.replace(/\W+/g, "-")}-`));
  const started = performance.now();
  const child = spawn(
    node,
    ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--cpu-prof-interval=100", target.script],
    { cwd: target.cwd, env: { ...target.env, PORT: String(port) }, stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const wallMs = (await waitForReady(child, port)) - started;
  child.kill("SIGTERM");
  await exited;
  const [file] = await readdir(profileDir);
  const profile = JSON.parse(await readFile(join(profileDir, file!), "utf8")) as Profile;
  await rm(profileDir, { recursive: true, force: true });
  const ownerOf = new Map(profile.nodes.map((n) => [n.id, attribute(n.callFrame, target.maps)]));
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

/** The mean of each round's figures (an origin absent from a round counts 0 there). */
function meanOf(rounds: Awaited<ReturnType<typeof profileOne>>[]) {
  const byOwner = new Map<string, number>();
  for (const round of rounds)
    for (const [who, ms] of round.byOwner)
      byOwner.set(who, (byOwner.get(who) ?? 0) + ms / rounds.length);
  const wallMs = rounds.reduce((sum, round) => sum + round.wallMs, 0) / rounds.length;
  return { wallMs, byOwner };
}

export async function importBreakdownBench(): Promise<void> {
  const node = imageNode();
  const dir = await mkdtemp(join(tmpdir(), "bench-breakdown-"));
  try {
    const done = measuring();
    // The bench's bare server, made to exit on SIGTERM: Node writes the profile only on exit.
    const bareScript = await writeBareServer(dir);
    await appendFile(bareScript, `\nprocess.on("SIGTERM", () => process.exit(0));\n`);
    const bare: Target = {
      name: BARE,
      cwd: dir,
      script: bareScript,
      env: { ...process.env },
      maps: new Map(),
    };
    const targets = [bare];
    for (const fn of FUNCTION_NAMES) targets.push(await functionTarget(node, fn, dir));
    const rounds = new Map(
      targets.map((t) => [t.name, [] as Awaited<ReturnType<typeof profileOne>>[]]),
    );
    for (let round = 0; round < ROUNDS; round++)
      for (const target of targets)
        rounds.get(target.name)!.push(await profileOne(node, target, dir));
    const results = new Map([...rounds].map(([name, list]) => [name, meanOf(list)]));
    const names = targets.map((t) => t.name);
    const totals = new Map<string, number>();
    for (const { byOwner } of results.values())
      for (const [who, ms] of byOwner) totals.set(who, (totals.get(who) ?? 0) + ms);
    const top = [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([who]) => who);
    const cell = (ms: number | undefined) => (ms === undefined ? "" : `${ms.toFixed(1)} ms`);
    const rows: Cell[][] = [
      ["spawn → ready, under the profiler", ...names.map((n) => cell(results.get(n)!.wallMs))],
      ...top.map((who) => [who, ...names.map((n) => cell(results.get(n)!.byOwner.get(who)))]),
      [
        "everything else",
        ...names.map((n) =>
          cell(
            [...results.get(n)!.byOwner]
              .filter(([who]) => !top.includes(who))
              .reduce((sum, [, ms]) => sum + ms, 0),
          ),
        ),
      ],
    ];
    done({
      title: `Where cold start goes, ${nodeVersion(node)}`,
      note: `Each function as the image runs it (telemetry on, compile cache baked) and a bare node:http server under V8's sampling profiler (100 µs), from spawn to ready; self time by origin, mapped through the bundles' source maps, mean of ${ROUNDS} interleaved round${ROUNDS === 1 ? "" : "s"}${quick ? " (--quick)" : ""}. (idle) is waiting on I/O, (program) and (native) are V8 and Node internals outside JavaScript, node:… are Node's own JavaScript modules.`,
      columns: ["origin", ...names],
      rows,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
