// Cold start as the image runs it, before/after side by side: `node --enable-source-maps` (the old
// CMD) against plain `node` with the functions' lazy source maps, and on Node ≥ 22.1 the compile
// cache (NODE_COMPILE_CACHE) either empty in a tmp dir (what a fresh pod with a writable tmp dir
// sees) or baked at image build time. Telemetry on, every variant interleaved round by round, on
// this machine's Node and on the images' Node (.ci/image-node.sh). Run: npm run bench -- image
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../test/support/free-port.ts";
import { timeToReady, type Launch, type Ready } from "./cold-start.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const FUNCTIONS = ["ingest", "index-document", "embed", "search"] as const;

interface Variant {
  name: string;
  launch: (node: string) => Launch;
  /** Compile cache directory for one sample; undefined: none. */
  cacheDir?: (fn: string) => Promise<string>;
}

function imageNode(): string {
  const bin = execFileSync("bash", [".ci/image-node.sh"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  return join(bin, "node");
}

function nodeVersion(node: string): string {
  return execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
}

/** Fills a compile cache exactly as the image build does (scripts/bake-compile-cache.mjs). */
function fillCompileCache(node: string, fn: string, env: Record<string, string>, dir: string): void {
  execFileSync(node, [join(process.cwd(), "scripts", "bake-compile-cache.mjs")], {
    cwd: join("dist", fn),
    env: { ...process.env, ...env, NODE_COMPILE_CACHE: dir },
    stdio: "ignore",
  });
}

const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function benchNode(node: string, dir: string): Promise<void> {
  const version = nodeVersion(node);
  const [major, minor] = version.slice(1).split(".").map(Number) as [number, number];
  const hasCompileCache = major > 22 || (major === 22 && minor >= 1);
  const bare = join(dir, "bare.mjs");
  const common = {
    DATA_DIR: join(dir, "data"),
    EMBED_URL: "http://127.0.0.1:9",
    K_SINK: "http://127.0.0.1:9/",
    OBSERVABILITY_ENABLED: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
  };
  const envOf = (fn: string) => ({ ...common, K_SERVICE: fn });
  const baked = new Map<string, string>();
  const variants: Variant[] = [
    { name: "before: --enable-source-maps", launch: (n) => ({ node: n, flags: ["--enable-source-maps"] }) },
    { name: "after: lazy source maps", launch: (n) => ({ node: n }) },
  ];
  if (hasCompileCache) {
    variants.push(
      { name: "after + compile cache, empty tmp", launch: (n) => ({ node: n }), cacheDir: () => mkdtemp(join(dir, "cache-")) },
      { name: "after + compile cache, baked", launch: (n) => ({ node: n }), cacheDir: async (fn) => baked.get(fn)! },
    );
    for (const fn of FUNCTIONS) {
      const cache = await mkdtemp(join(dir, `baked-${fn}-`));
      fillCompileCache(node, fn, envOf(fn), cache);
      baked.set(fn, cache);
    }
  }
  const samples = new Map<string, Ready[]>();
  const add = (key: string, r: Ready) => samples.set(key, [...(samples.get(key) ?? []), r]);
  const loadBefore = loadavg()[0]!;
  for (let round = 0; round < RUNS; round++) {
    add("bare", await timeToReady(bare, {}, { node }));
    for (const fn of FUNCTIONS) {
      for (const variant of variants) {
        const cache = await variant.cacheDir?.(fn);
        const env = cache ? { ...envOf(fn), NODE_COMPILE_CACHE: cache } : envOf(fn);
        add(`${fn}/${variant.name}`, await timeToReady(join("dist", fn, "index.mjs"), env, variant.launch(node)));
      }
    }
  }
  const base = middle(samples.get("bare")!.map((r) => r.ms));
  console.log(`\nCold start as the image runs it, ${version}, telemetry on, median of ${RUNS} interleaved (ratio to bare node:http ${base.toFixed(0)} ms); load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
  console.log(`${"function".padEnd(16)} ${variants.map((v) => v.name.padStart(34)).join(" ")}`);
  for (const fn of FUNCTIONS) {
    const cells = variants.map((v) => {
      const runs = samples.get(`${fn}/${v.name}`)!;
      const ms = middle(runs.map((r) => r.ms));
      return `${ms.toFixed(0)} ms ${(ms / base).toFixed(2)}x ${middle(runs.map((r) => r.rssMb)).toFixed(0)} MB`.padStart(34);
    });
    console.log(`${fn.padEnd(16)} ${cells.join(" ")}`);
  }
}

export async function imageColdStartBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-image-"));
  try {
    await writeFile(join(dir, "bare.mjs"), `import { createServer } from "node:http"; createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT));`);
    for (const node of [process.execPath, imageNode()]) await benchNode(node, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
