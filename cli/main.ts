import { parseArgs } from "node:util";
import { FUNCTION_NAMES, FUNCTIONS, type FunctionName } from "../functions/functions.ts";
import { deadLetters } from "./commands/dead-letters.ts";
import { ingestPaths } from "./commands/ingest.ts";
import { search, type SearchOptions } from "./commands/search.ts";
import { status } from "./commands/status.ts";
import { trace } from "./commands/trace.ts";
import { up } from "./commands/up.ts";

const USAGE = `knative-rag — the RAG pipeline's command line

Usage:
  knative-rag up [--data-dir .data] [--no-seed]     run the four functions locally (embedded defaults)
  knative-rag ingest <file|dir|-> [--namespace N]    ingest markdown/text files (or standard input)
  knative-rag search "<query>" [--namespace N] [--mode hybrid|vector|keyword] [--top-k 5] [--alpha 0.5] [--json]
  knative-rag status                                 readiness of the four functions
  knative-rag trace [<trace_id>] [--json]            a trace as a tree (service | span | duration); no id: recent traces
  knative-rag dead-letters [list] [--json]           events the local spool gave up on, with the reason
  knative-rag dead-letters replay [<name>…]          put them (all, or the named ones) back for delivery

Function URLs come from SEARCH_URL, INGEST_URL, INDEX_DOCUMENT_URL and EMBED_URL
(defaults http://127.0.0.1:8080 … 8083, the ports of 'up'). With API_KEYS set on the functions,
KNATIVE_RAG_API_KEY is the key the CLI sends (ingest, search, and up's seeding).`;

const urls = Object.fromEntries(
  FUNCTION_NAMES.map((name) => {
    const { urlVariable, port } = FUNCTIONS[name];
    return [name, process.env[urlVariable] ?? `http://127.0.0.1:${port}`];
  }),
) as Record<FunctionName, string>;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    namespace: { type: "string", default: "default" },
    mode: { type: "string", default: "hybrid" },
    "top-k": { type: "string", default: "5" },
    alpha: { type: "string", default: "0.5" },
    json: { type: "boolean", default: false },
    "data-dir": { type: "string", default: process.env.DATA_DIR ?? ".data" },
    "no-seed": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

const [command, ...args] = positionals;
try {
  switch (command) {
    case "up":
      await up({ dataDir: values["data-dir"]!, seed: !values["no-seed"] });
      break;
    case "ingest": {
      if (args.length === 0) throw new Error("ingest needs a file, a folder or - (standard input)");
      const result = await ingestPaths(args, {
        ingestUrl: urls.ingest,
        namespace: values.namespace!,
      });
      process.exitCode = result.failed.length > 0 ? 1 : 0;
      break;
    }
    case "search":
      if (args.length === 0)
        throw new Error('search needs a query, e.g. knative-rag search "what is a cold start?"');
      await search(args.join(" "), {
        searchUrl: urls.search,
        namespace: values.namespace!,
        // Search checks the mode and names the ones it knows.
        mode: values.mode as SearchOptions["mode"],
        topK: numberOption("top-k", values["top-k"]!),
        alpha: numberOption("alpha", values.alpha!),
        json: values.json!,
      });
      break;
    case "status":
      process.exitCode = (await status(urls)) ? 0 : 1;
      break;
    case "dead-letters":
      process.exitCode = (await deadLetters(args, {
        dataDir: values["data-dir"]!,
        json: values.json!,
      }))
        ? 0
        : 1;
      break;
    case "trace":
      process.exitCode = (await trace(args[0], {
        dataDir: values["data-dir"]!,
        json: values.json!,
      }))
        ? 0
        : 1;
      break;
    default:
      console.log(USAGE);
      process.exitCode = command === undefined || values.help ? 0 : 2;
  }
} catch (error) {
  console.error(
    `knative-rag ${command}: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}

/** The value of a numeric option, or an error saying which option is not a number. */
function numberOption(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new Error(`--${name} must be a number, not "${text}"`);
  return value;
}
