import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "../support/free-port.ts";
import { assertBuilt } from "./support/span-collector.ts";
import { startFunctionProcess } from "../support/function-process.ts";
import { acceptedOf } from "../support/response-bodies.ts";

// The OTLP exporter's own time-out is 10 s: a request that waited for an export would take that long.
const SLOW_MS = 2_000;

describe("an unreachable collector costs requests neither errors nor delay", () => {
  let dataDir: string;
  let blackhole: Server;
  const sockets: Socket[] = [];

  before(async () => {
    assertBuilt();
    dataDir = await mkdtemp(join(tmpdir(), "knative-rag-dead-collector-"));
    // Accepts connections and never answers: the worst collector, worse than a closed port.
    blackhole = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  const collectors = {
    "a closed port": async () => `http://127.0.0.1:${await freePort()}`,
    "a collector that never answers": async () =>
      `http://127.0.0.1:${(blackhole.address() as { port: number }).port}`,
  };

  for (const [what, endpoint] of Object.entries(collectors)) {
    it(`${what}: every request succeeds quickly, and SIGTERM still exits within the flush bound`, async () => {
      const ingest = await startFunctionProcess("ingest", {
        DATA_DIR: join(dataDir, what.replaceAll(" ", "-")),
        K_SINK: "http://127.0.0.1:9/",
        OTEL_EXPORTER_OTLP_ENDPOINT: await endpoint(),
        OTEL_BSP_SCHEDULE_DELAY: "20",
        OTEL_METRIC_EXPORT_INTERVAL: "200",
        OTEL_SHUTDOWN_TIMEOUT_MS: "1000",
      });
      try {
        const durations: number[] = [];
        for (let i = 0; i < 25; i++) {
          const started = performance.now();
          const response = await fetch(`${ingest.url}/ingest`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ text: `document ${i} while the collector is gone` }),
          });
          assert.equal(response.status, 202, await response.clone().text());
          assert.match((await acceptedOf(response)).trace_id ?? "", /^[0-9a-f]{32}$/);
          durations.push(performance.now() - started);
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.ok(
          Math.max(...durations) < SLOW_MS,
          `slowest request took ${Math.max(...durations).toFixed(0)} ms`,
        );
        const { code, ms } = await ingest.stop("SIGTERM");
        assert.equal(code, 0);
        assert.ok(ms < 1000 + SLOW_MS, `shutdown took ${ms} ms with a 1000 ms flush bound`);
      } finally {
        await ingest.stop("SIGKILL");
      }
    });
  }
});
