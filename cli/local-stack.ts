import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { FUNCTION_NAMES, FUNCTIONS, type FunctionName } from "../functions/functions.ts";
import { formatLogLine } from "./log-format.ts";
import { packageRoot } from "./package-root.ts";

export interface LocalStackOptions {
  ports: Record<FunctionName, number>;
  /** BIND_ADDRESS of every function; default 127.0.0.1, so nothing on the network reaches them. */
  bindAddress?: string;
  dataDir: string;
  /** Extra environment for every function (backend selection, OTEL_*, …); process.env is inherited. */
  env?: Record<string, string | undefined>;
  /**
   * Where the functions send OTLP (traces and metrics). Without it, and without
   * OTEL_EXPORTER_OTLP_ENDPOINT in the environment, telemetry is off, so a test never sends
   * spans to a collector it did not start.
   */
  otlpEndpoint?: string;
  /** Per-function extra environment. */
  functionEnv?: Partial<Record<FunctionName, Record<string, string | undefined>>>;
  /** Where each formatted log line goes; defaults to stdout. */
  onLog?: (name: FunctionName, line: string) => void;
  colour?: boolean;
}

export interface LocalStack {
  urls: Record<FunctionName, string>;
  /** Stops one function with SIGTERM (graceful) or SIGKILL. */
  stopFunction(name: FunctionName, signal?: NodeJS.Signals): Promise<number | null>;
  startFunction(name: FunctionName): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when any function exits unexpectedly. */
  crashed: Promise<{ name: FunctionName; code: number | null }>;
}

/**
 * Runs the four bundled functions as four processes on fixed ports, wired like four Knative
 * Services: ingest's K_SINK is index-document, index-document and search call embed.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const root = packageRoot();
  const bindAddress = options.bindAddress ?? LOOPBACK;
  const host = urlHost(bindAddress);
  const urls = Object.fromEntries(
    FUNCTION_NAMES.map((n) => [n, `http://${host}:${options.ports[n]}`]),
  ) as Record<FunctionName, string>;
  const dataDir = resolve(options.dataDir);
  const width = Math.max(...FUNCTION_NAMES.map((n) => n.length));
  const children = new Map<FunctionName, ChildProcess>();
  const expectedExit = new Set<FunctionName>();
  let reportCrash: (crash: { name: FunctionName; code: number | null }) => void = () => undefined;
  const crashed = new Promise<{ name: FunctionName; code: number | null }>(
    (r) => (reportCrash = r),
  );
  const log = options.onLog ?? ((_name, line) => process.stdout.write(`${line}\n`));

  const wiring: Record<FunctionName, Record<string, string>> = {
    search: { EMBED_URL: urls.embed, INGEST_URL: urls.ingest },
    ingest: { K_SINK: `${urls["index-document"]}/` },
    "index-document": { EMBED_URL: urls.embed },
    embed: {},
  };

  async function startFunction(name: FunctionName): Promise<void> {
    await assertPortFree(name, bindAddress, options.ports[name]);
    const child = spawn(process.execPath, [join(root, "dist", name, "index.mjs")], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        ...telemetryEnv(options.otlpEndpoint),
        ...options.env,
        ...wiring[name],
        ...options.functionEnv?.[name],
        PORT: String(options.ports[name]),
        BIND_ADDRESS: bindAddress,
        K_SERVICE: name,
        K_REVISION: `${name}-local`,
        K_CONFIGURATION: name,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.set(name, child);
    expectedExit.delete(name);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) =>
        log(name, formatLogLine(name, width, line, options.colour ?? false)),
      );
    }
    child.once("exit", (code) => {
      if (!expectedExit.has(name)) reportCrash({ name, code });
    });
    await waitUntilReady(name, urls[name], child);
  }

  async function stopFunction(
    name: FunctionName,
    signal: NodeJS.Signals = "SIGTERM",
  ): Promise<number | null> {
    const child = children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null)
      return child?.exitCode ?? null;
    expectedExit.add(name);
    const exited = once(child, "exit");
    child.kill(signal);
    const [code] = (await exited) as [number | null];
    return code;
  }

  // All four before any starts: a readiness probe would get its 200 from another server on the
  // port, and the function would then die of EADDRINUSE.
  await Promise.all(
    FUNCTION_NAMES.map((name) => assertPortFree(name, bindAddress, options.ports[name])),
  );
  try {
    await Promise.all(FUNCTION_NAMES.map((name) => startFunction(name)));
  } catch (error) {
    await Promise.all(FUNCTION_NAMES.map((name) => stopFunction(name, "SIGKILL")));
    throw error;
  }
  return {
    urls,
    stopFunction,
    startFunction,
    crashed,
    stop: async () => {
      await Promise.all(FUNCTION_NAMES.map((name) => stopFunction(name)));
    },
  };
}

const LOOPBACK = "127.0.0.1";

/** How to reach a function bound to `address` from this machine. */
function urlHost(address: string): string {
  if (address === "0.0.0.0" || address === "::") return LOOPBACK;
  return address.includes(":") ? `[${address}]` : address;
}

function telemetryEnv(endpoint: string | undefined): Record<string, string> {
  if (endpoint) return { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
  return process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? {} : { OBSERVABILITY_ENABLED: "false" };
}

/** Throws, naming the variable that moves it, when something listens on the port. */
async function assertPortFree(name: FunctionName, address: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `port ${port} (${name}) is taken by another process: stop it, or set ${FUNCTIONS[name].portVariable} to another port`,
            )
          : error,
      ),
    );
    probe.listen(port, address, () => probe.close(() => resolve()));
  });
}

async function waitUntilReady(
  name: string,
  url: string,
  child: ChildProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode} during start-up`);
    try {
      const response = await fetch(`${url}/health/readiness`, {
        signal: AbortSignal.timeout(1000),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} was not ready at ${url} within ${timeoutMs} ms`);
}
