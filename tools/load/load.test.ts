import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import { freePorts } from "../../test/support/free-port.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import { parseLoadOptions } from "./options.ts";
import { operationOf } from "./run.ts";
import { LoadRecorder, percentile, sendTimes, type Summary } from "./stats.ts";

describe("load: schedule and summary", () => {
  it("sends at the fixed rate until the count bound", () => {
    assert.deepEqual(
      [...sendTimes([{ rate: 4, seconds: Infinity }], 5, 60_000)],
      [0, 250, 500, 750, 1000],
    );
  });

  it("steps the rate and holds the last step until the time bound", () => {
    const times = [
      ...sendTimes(
        [
          { rate: 2, seconds: 1 },
          { rate: 4, seconds: 1 },
        ],
        100,
        2500,
      ),
    ];
    assert.deepEqual(times, [0, 500, 1000, 1250, 1500, 1750, 2000, 2250]);
  });

  it("spreads searches evenly at the requested share", () => {
    const ops = Array.from({ length: 8 }, (_, i) => operationOf(i, 0.25));
    assert.deepEqual(ops.filter((o) => o === "search").length, 2);
    assert.deepEqual(
      Array.from({ length: 4 }, (_, i) => operationOf(i, 0)),
      ["ingest", "ingest", "ingest", "ingest"],
    );
  });

  it("summarises rate held, percentiles per operation and errors by status", () => {
    const recorder = new LoadRecorder();
    for (let ms = 1; ms <= 100; ms++) {
      recorder.started();
      recorder.finished("search", ms === 100 ? 503 : 200, ms);
    }
    recorder.started();
    recorder.finished("ingest", "timeout", 10_000);
    const summary = recorder.summary(4_000);
    assert.equal(summary.sent, 101);
    assert.equal(summary.rateHeld, 101 / 4);
    assert.equal(summary.errors, 2);
    assert.deepEqual(summary.operations.search, {
      sent: 100,
      ok: 99,
      p50Ms: 50,
      p99Ms: 99,
      statuses: { "200": 99, "503": 1 },
    });
    assert.deepEqual(summary.operations.ingest?.statuses, { timeout: 1 });
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it("refuses non-loopback targets unless --allow-remote", () => {
    assert.throws(
      () => parseLoadOptions(["--ingest-url", "http://10.0.0.5:8080"], {}),
      /not loopback.*--allow-remote/,
    );
    assert.throws(
      () => parseLoadOptions([], { LOAD_SEARCH_URL: "https://search.example.com" }),
      /--search-url search\.example\.com is not loopback/,
    );
    assert.equal(
      parseLoadOptions(["--search-url", "https://search.example.com", "--allow-remote"], {})
        .searchUrl.hostname,
      "search.example.com",
    );
    assert.equal(parseLoadOptions(["--ingest-url", "http://[::1]:9"], {}).ingestUrl.port, "9");
    assert.throws(() => parseLoadOptions(["--rate", "0"], {}), /--rate must be a positive number/);
    assert.equal(parseLoadOptions([], { KNATIVE_RAG_API_KEY: "k" }).apiKey, "k");
  });
});

// `npm run load` against the real bundles (API_KEYS set), bounded by count.
describe("npm run load against the running functions", () => {
  const key = "loadtest-0123456789abcdef";
  let stack: LocalStack;
  before(async () => {
    stack = await startLocalStack({
      ports: await freePorts(FUNCTION_NAMES),
      dataDir: await tempDir("load"),
      env: { API_KEYS: `load:${key}:*:rw` },
      onLog: () => {},
    });
  });
  after(() => stack?.stop());

  function load(...args: string[]): Promise<{ code: number | null; summary: Summary }> {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "tools/load/main.ts",
        "--ingest-url",
        stack.urls.ingest,
        "--search-url",
        stack.urls.search,
        "--json",
        ...args,
      ],
      { env: { ...process.env, KNATIVE_RAG_API_KEY: "" } },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.resume();
    return new Promise((resolve) =>
      child.once("close", (code) => resolve({ code, summary: JSON.parse(out) as Summary })),
    );
  }

  it("sends exactly the count, mixed, and summarises the statuses", async () => {
    const { code, summary } = await load(
      "--count",
      "20",
      "--rate",
      "40",
      "--duration",
      "60",
      "--api-key",
      key,
    );
    assert.equal(summary.sent, 20);
    assert.equal(summary.errors, 0);
    assert.deepEqual(summary.operations.ingest?.statuses, { "202": 10 });
    assert.deepEqual(summary.operations.search?.statuses, { "200": 10 });
    assert.equal(code, 0);
  });

  it("reports 401s by status, and fails, without the key", async () => {
    const { code, summary } = await load("--count", "4", "--rate", "40");
    assert.equal(summary.errors, 4);
    assert.deepEqual(summary.operations.ingest?.statuses, { "401": 2 });
    assert.deepEqual(summary.operations.search?.statuses, { "401": 2 });
    assert.equal(code, 1);
  });
});
