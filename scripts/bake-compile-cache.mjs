// Fills Node's compile cache (NODE_COMPILE_CACHE) at image build time: starts the function in the
// current directory once, waits until it serves (liveness: readiness would wait on dependencies the
// build cannot reach), stops it with SIGTERM, and Node writes the
// compiled code of every module it loaded on exit. A pod then starts from that cache instead of
// compiling the bundle again (the root filesystem may be read-only at run time, so it must be
// baked in). Then it imports every lazily loaded chunk itself: the adapters the cluster selects
// (S3, Kafka, Weaviate, Redis, OpenAI) are chunks a start on the embedded defaults never loads.
// Plain JavaScript: the runtime stage has node but no TypeScript tooling.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

if (!process.env.NODE_COMPILE_CACHE)
  throw new Error("bake-compile-cache: NODE_COMPILE_CACHE is not set");
const port = 18_000 + Math.floor(Math.random() * 2000);
// The cluster's vector store (the images leave the embedded one's LanceDB out); dependencies point at
// a closed port unless set, and telemetry is on as in the cluster so that its modules are cached too.
const unreachable = "http://127.0.0.1:9";
const env = {
  VECTOR_STORE: "weaviate",
  WEAVIATE_URL: unreachable,
  WEAVIATE_GRPC_URL: unreachable,
  EMBED_URL: unreachable,
  K_SINK: `${unreachable}/`,
  OBSERVABILITY_ENABLED: "true",
  OTEL_EXPORTER_OTLP_ENDPOINT: unreachable,
  ...process.env,
  PORT: String(port),
  BIND_ADDRESS: "127.0.0.1",
  LOG_LEVEL: "silent",
  DATA_DIR: mkdtempSync(join(tmpdir(), "bake-")),
};
const child = spawn(process.execPath, ["index.mjs"], { env, stdio: "inherit" });
const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
const deadline = Date.now() + 60_000;
try {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`bake-compile-cache: index.mjs exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error("bake-compile-cache: not serving within 60 s");
    const serving = await fetch(`http://127.0.0.1:${port}/health/liveness`).then(
      (r) => r.ok,
      () => false,
    );
    if (serving) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
} finally {
  child.kill("SIGTERM");
}
const code = await exited;
if (code !== 0) throw new Error(`bake-compile-cache: index.mjs stopped with ${code}`);
if (existsSync("chunks")) {
  for (const chunk of readdirSync("chunks").filter((file) => file.endsWith(".mjs"))) {
    // A chunk of a package the image leaves out (LanceDB): nothing to cache.
    await import(pathToFileURL(resolve("chunks", chunk)).href).catch((error) => {
      if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    });
  }
}
