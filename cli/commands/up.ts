import { join } from "node:path";
import { FUNCTION_NAMES, FUNCTIONS, type FunctionName } from "../../functions/functions.ts";
import { startLocalStack } from "../local-stack.ts";
import { packageRoot } from "../package-root.ts";
import { DEFAULT_OTLP_PORT, startLocalReceiver } from "../traces/local-receiver.ts";
import { ingestPaths } from "./ingest.ts";

/** `knative-rag up`: the four functions on this machine, seeded with the sample corpus. */
export async function up(options: { dataDir: string; seed: boolean }): Promise<void> {
  const ports = Object.fromEntries(
    FUNCTION_NAMES.map((name) => [
      name,
      Number(process.env[FUNCTIONS[name].portVariable] ?? FUNCTIONS[name].port),
    ]),
  ) as Record<FunctionName, number>;
  console.log(`Starting ingest, index-document, embed and search (data in ${options.dataDir}) …`);
  // A collector of the user's own (OTEL_EXPORTER_OTLP_ENDPOINT) wins over the built-in receiver.
  const receiver = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? undefined
    : await startLocalReceiver(options.dataDir);
  if (receiver && !process.env.OTLP_PORT && receiver.port !== DEFAULT_OTLP_PORT) {
    console.log(
      `Port ${DEFAULT_OTLP_PORT} (OTLP) is taken, e.g. by a collector: the built-in trace receiver listens on ${receiver.port} instead (OTLP_PORT sets it).`,
    );
  }
  const stack = await startLocalStack({
    ports,
    // Loopback unless the user opts out (BIND_ADDRESS=0.0.0.0 to reach the stack from other machines).
    bindAddress: process.env.BIND_ADDRESS || undefined,
    dataDir: options.dataDir,
    colour: process.stdout.isTTY,
    otlpEndpoint: receiver?.url ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
    // Spans within half a second, so `trace <id>` right after a request shows the whole trace.
    env: { OTEL_BSP_SCHEDULE_DELAY: process.env.OTEL_BSP_SCHEDULE_DELAY ?? "500" },
  }).catch(async (error: unknown) => {
    await receiver?.close();
    throw error;
  });

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping the four functions …");
    await stack.stop();
    await receiver?.close();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  void stack.crashed.then(({ name, code }) => {
    console.error(`${name} exited unexpectedly (code ${code}); stopping the stack.`);
    void shutdown(1);
  });

  if (options.seed) {
    const samples = join(packageRoot(), "samples");
    const result = await ingestPaths([samples], {
      ingestUrl: stack.urls.ingest,
      namespace: "default",
      quiet: true,
    });
    console.log(
      `Seeded namespace "default" with ${result.accepted} sample documents from samples/ (${result.duplicates} already there).`,
    );
    // With API_KEYS set, seeding needs a key too: say so instead of a silent count of 0.
    if (result.failed.length > 0) {
      const hint =
        process.env.API_KEYS && !process.env.KNATIVE_RAG_API_KEY
          ? " (API_KEYS is set: set KNATIVE_RAG_API_KEY to a key that may write namespace default)"
          : "";
      console.error(
        `${result.failed.length} samples were not ingested, e.g. ${result.failed[0]!.path}: ${result.failed[0]!.error}${hint}`,
      );
    }
  }

  console.log(`
knative-rag is running:
  search          ${stack.urls.search}          (POST /search, GET /namespaces)
  ingest          ${stack.urls.ingest}          (POST /ingest, CloudEvents on POST /)
  index-document  ${stack.urls["index-document"]}          (CloudEvent sink)
  embed           ${stack.urls.embed}          (POST /embed, POST /v1/embeddings)
  traces          ${receiver ? `${receiver.url}          (OTLP/HTTP receiver; spans under ${options.dataDir}/traces)` : `sent to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`}

Try:
  curl -s -X POST ${stack.urls.ingest}/ingest -H 'content-type: application/json' \\
    -d '{"text": "Knative scales a revision to zero when it gets no traffic.", "metadata": {"title": "Scale to zero"}}'
  curl -s -X POST ${stack.urls.search}/search -H 'content-type: application/json' \\
    -d '{"query": "How does a function wake up from zero?", "mode": "hybrid", "top_k": 3}'
  npm run cli -- trace <trace_id from a response>   # the request as a tree: service | span | duration

Press Ctrl-C to stop.
`);
}
