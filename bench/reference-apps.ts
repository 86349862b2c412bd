// The servers a function's cold start is measured against, each a file to start with `node`:
// a bare node:http server (the floor), Knative's own Node.js function runtime (faas-js-runtime)
// with a hello function, and Hono apps bundled the way the functions are (esbuild, ESM, the
// OpenTelemetry ESM builds so unused code is dropped) with no telemetry, with the functions' lean
// SDK composition (functions/shared/telemetry/sdk.ts), and with @opentelemetry/sdk-node's NodeSDK
// given the same exporters, metric reader, resource and sampler and no instrumentations.
import { build } from "esbuild";
import { stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { otelEsm } from "../scripts/otel-esm-plugin.mjs";

export interface ReferenceApp {
  name: string;
  /** Arguments to node: the script and its own arguments. */
  args: string[];
  /** Port variable the app reads (PORT unless said otherwise). */
  portVariable?: string;
  bundleMb?: number;
}

export const BARE = "bare node:http";
export const HONO_LEAN = "Hono + lean SDK composition";
export const HONO_NODE_SDK = "Hono + NodeSDK";

const serve = `
import { Hono } from "hono";
import { serve } from "@hono/node-server";
const app = new Hono().get("/health/readiness", (c) => c.json({ status: "ready" }));
serve({ fetch: app.fetch, port: Number(process.env.PORT) });
`;

const honoApps: Record<string, string> = {
  "Hono, no telemetry": serve,
  [HONO_LEAN]: `
import { telemetrySettings } from "${resolve("functions/shared/telemetry/settings.ts")}";
import { startTelemetry } from "${resolve("functions/shared/telemetry/sdk.ts")}";
startTelemetry(telemetrySettings());
${serve}`,
  [HONO_NODE_SDK]: `
import { NodeSDK } from "@opentelemetry/sdk-node";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { telemetrySettings } from "${resolve("functions/shared/telemetry/settings.ts")}";
import { functionResource } from "${resolve("functions/shared/telemetry/resource.ts")}";
import { RemoteUnsampledAsRootSampler } from "${resolve("functions/shared/telemetry/sampler.ts")}";
const settings = telemetrySettings();
new NodeSDK({
  resource: functionResource(settings),
  autoDetectResources: false,
  sampler: new RemoteUnsampledAsRootSampler(settings.OTEL_TRACES_SAMPLER_ARG),
  traceExporter: new OTLPTraceExporter(),
  metricReaders: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() })],
  instrumentations: [],
}).start();
${serve}`,
};

async function bundle(file: string, source: string): Promise<number> {
  await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: file,
    logLevel: "error",
    plugins: [otelEsm],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  return (await stat(file)).size / 1024 / 1024;
}

/** The floor every cold start is compared with: node:http answering on PORT. Returns its path. */
export async function writeBareServer(dir: string): Promise<string> {
  const bare = join(dir, "bare.mjs");
  await writeFile(
    bare,
    `import { createServer } from "node:http"; createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT));`,
  );
  return bare;
}

export async function referenceApps(dir: string): Promise<ReferenceApp[]> {
  const bare = await writeBareServer(dir);
  const hello = join(dir, "hello.cjs");
  await writeFile(hello, `module.exports = { handle: () => "hello" };`);
  const apps: ReferenceApp[] = [
    { name: BARE, args: [bare] },
    {
      name: "faas-js-runtime 3, hello",
      args: [resolve("node_modules/faas-js-runtime/bin/cli.js"), hello, "--log-level", "silent"],
      portVariable: "FUNC_PORT",
    },
  ];
  for (const [name, source] of Object.entries(honoApps)) {
    const file = join(dir, `${name.replace(/\W+/g, "-")}.mjs`);
    apps.push({ name, args: [file], bundleMb: await bundle(file, source) });
  }
  return apps;
}
