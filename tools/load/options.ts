import { isIP } from "node:net";
import { parseArgs } from "node:util";
import type { Step } from "./stats.ts";

export interface LoadOptions {
  ingestUrl: URL;
  searchUrl: URL;
  steps: Step[];
  count: number;
  durationSeconds: number;
  /** Share of requests that are searches (0…1); the rest are ingests. */
  searchShare: number;
  namespace: string;
  apiKey?: string;
  maxInFlight: number;
  timeoutMs: number;
  json: boolean;
}

export const USAGE = `npm run load -- [options]   mixed ingest + search at a fixed or stepped rate, open loop
  --ingest-url URL      ingest's base URL   (LOAD_INGEST_URL, default http://127.0.0.1:8081)
  --search-url URL      search's base URL   (LOAD_SEARCH_URL, default http://127.0.0.1:8080)
  --rate N              requests per second (default 10)
  --steps 5:10,20:10    stepped rate, rate:seconds each; the last step holds until the run ends
  --count N             stop after N requests (default 1000)
  --duration S          stop after S seconds (default 60)
  --search-share F      share of searches, 0…1 (default 0.5)
  --namespace NAME      (default "load")
  --api-key KEY         bearer key when the functions set API_KEYS (KNATIVE_RAG_API_KEY)
  --max-in-flight N     cap on unanswered requests; further sends wait (default 256)
  --timeout-ms N        per request (default 10000)
  --allow-remote        allow targets that are not loopback (e.g. the cluster's URLs)
  --json                print the summary as JSON`;

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

function positive(name: string, value: string, integer = true): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new Error(
      `--${name} must be a positive ${integer ? "integer" : "number"}, got "${value}"`,
    );
  return n;
}

function parseSteps(text: string): Step[] {
  return text.split(",").map((part) => {
    const [rate, seconds] = part.split(":");
    if (seconds === undefined) throw new Error(`--steps: "${part}" is not rate:seconds`);
    return {
      rate: positive("steps rate", rate!, false),
      seconds: positive("steps seconds", seconds, false),
    };
  });
}

function url(name: string, value: string, allowRemote: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`--${name}: "${value}" is not a URL`);
  }
  if (!allowRemote && !isLoopback(parsed))
    throw new Error(
      `--${name} ${parsed.host} is not loopback; load tests stay on loopback unless --allow-remote is given`,
    );
  return parsed;
}

/** argv + env → options; throws an Error naming the bad flag. */
export function parseLoadOptions(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      "ingest-url": { type: "string" },
      "search-url": { type: "string" },
      rate: { type: "string" },
      steps: { type: "string" },
      count: { type: "string" },
      duration: { type: "string" },
      "search-share": { type: "string" },
      namespace: { type: "string" },
      "api-key": { type: "string" },
      "max-in-flight": { type: "string" },
      "timeout-ms": { type: "string" },
      "allow-remote": { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const allowRemote = values["allow-remote"] ?? false;
  const searchShare = Number(values["search-share"] ?? 0.5);
  if (!(searchShare >= 0 && searchShare <= 1))
    throw new Error(`--search-share must be within 0…1, got "${values["search-share"]}"`);
  const apiKey = values["api-key"] ?? env.KNATIVE_RAG_API_KEY;
  return {
    ingestUrl: url(
      "ingest-url",
      values["ingest-url"] ?? env.LOAD_INGEST_URL ?? "http://127.0.0.1:8081",
      allowRemote,
    ),
    searchUrl: url(
      "search-url",
      values["search-url"] ?? env.LOAD_SEARCH_URL ?? "http://127.0.0.1:8080",
      allowRemote,
    ),
    steps: values.steps
      ? parseSteps(values.steps)
      : [{ rate: positive("rate", values.rate ?? "10", false), seconds: Number.POSITIVE_INFINITY }],
    count: positive("count", values.count ?? "1000"),
    durationSeconds: positive("duration", values.duration ?? "60", false),
    searchShare,
    namespace: values.namespace ?? "load",
    ...(apiKey ? { apiKey } : {}),
    maxInFlight: positive("max-in-flight", values["max-in-flight"] ?? "256"),
    timeoutMs: positive("timeout-ms", values["timeout-ms"] ?? "10000"),
    json: values.json ?? false,
  };
}
