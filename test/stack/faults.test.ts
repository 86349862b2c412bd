import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  faultTable,
  runFault,
  type Fault,
  type FaultLoadOptions,
  type FaultReport,
} from "./fault-load.ts";
import { startRealStack, type RealStack } from "./real-stack.ts";
import { startOtelCollector, type OtelCollector } from "./servers.ts";
import { freePort } from "../support/free-port.ts";

// Each dependency of the real stack stopped in the middle of an ingest + search load and started
// again: nothing accepted may be lost or indexed twice. The table goes to the README's Reliability
// section. pipeline.test.ts checks what outlasts the delivery's retries (the dead-letter topic).
const load: FaultLoadOptions = {
  documents: 12,
  paceMs: 50,
  restartAfterFailures: 2,
  restartAfterDocuments: 5,
  settleTimeoutMs: 60_000,
};

describe("faults on the real stack: each dependency stopped mid-load and restarted", () => {
  let real: RealStack;
  let collector: OtelCollector;
  const reports: FaultReport[] = [];

  before(async () => {
    // Metrics go nowhere (a closed port): the collector is here to be stopped, not read.
    collector = await startOtelCollector({
      remoteWriteUrl: `http://127.0.0.1:${await freePort()}/api/v1/write`,
    });
    real = await startRealStack({
      otlpEndpoint: collector.otlpUrl,
      persistentS3: true,
      // The KafkaSource's schedule (retry n waits backoffDelay·2^n) scaled down from its 8 retries
      // from 1 s (510 s): 5 retries from 500 ms, 31 s in all, so a fault's retries settle quickly.
      relay: { RELAY_RETRY: "5", RELAY_BACKOFF_DELAY_MS: "500", RELAY_TIMEOUT_MS: "20000" },
    });
  });
  after(async () => {
    if (reports.length > 0) console.log(`\n${faultTable(reports)}\n`);
    await real?.stop();
    await collector?.cleanup();
    if (process.exitCode) console.log(`${real?.logs.join("\n")}\nrelay:\n${real?.relay.log()}`);
  });

  // Servers are started in before(), so each fault reaches its server when it runs.
  const faults: Fault[] = [
    {
      name: "OTel collector",
      stop: () => collector.stop(),
      start: () => collector.start(),
      missedBy: "nothing",
    },
    { name: "Redis", stop: () => real.redis.stop(), start: () => real.redis.start() },
    {
      name: "OpenAI-compatible server",
      stop: () => real.openai.stop(),
      start: () => real.openai.start(),
    },
    { name: "Weaviate", stop: () => real.weaviate.stop(), start: () => real.weaviate.start() },
    { name: "S3", stop: () => real.s3.stop(), start: () => real.s3.start() },
    { name: "Kafka", stop: () => real.kafka.stop(), start: () => real.kafka.start() },
  ];
  for (const fault of faults) {
    it(`${fault.name} stopped mid-load: every accepted document is searchable, once`, async (t) => {
      const report = await runFault(real, fault, load);
      reports.push(report);
      t.diagnostic(JSON.stringify(report));
      assert.equal(report.accepted, load.documents);
      assert.equal(report.lost, 0, `lost ${report.lost} of ${report.accepted} accepted documents`);
      assert.equal(report.duplicated, 0);
      assert.deepEqual(report.unexpected, [], "every failed request is a 503 with Retry-After");
    });
  }
});
