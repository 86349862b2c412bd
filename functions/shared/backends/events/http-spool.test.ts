import assert from "node:assert/strict";
import { readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { metrics } from "@opentelemetry/api";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { CloudEvent } from "cloudevents";
import { waitFor } from "../../../../test/support/wait-for.ts";
import { silentLogger } from "../../../../test/support/silent-logger.ts";
import { tempDir } from "../../../../test/support/temp-dir.ts";
import { SpoolFolders } from "./dead-letters.ts";
import { HttpSpoolPublisher, type HttpSpoolOptions } from "./http-spool.ts";

/** A sink that answers each event by its subject: `status:<n>` gets n, anything else 202. */
async function subjectSink() {
  const delivered: string[] = [];
  const attempts = new Map<string, number>();
  const server = createServer((request, response) => {
    request.resume().on("end", () => {
      const subject = String(request.headers["ce-subject"]);
      attempts.set(subject, (attempts.get(subject) ?? 0) + 1);
      const status = subject.startsWith("status:") ? Number(subject.slice(7)) : 202;
      if (status < 300) delivered.push(subject);
      response.writeHead(status).end(status < 300 ? "" : `refused ${subject}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(() => server.close());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    delivered,
    attempts,
  };
}

const event = (subject: string) =>
  new CloudEvent({
    type: "rag.test",
    source: "/test",
    subject,
    partitionkey: subject,
    data: { subject },
  });

async function spool(sink: string, options: Partial<HttpSpoolOptions> = {}) {
  const spoolDir = await tempDir("spool");
  const publisher = new HttpSpoolPublisher({
    sink,
    spoolDir,
    logger: silentLogger,
    minBackoffMs: 10,
    maxBackoffMs: 40,
    maxAttempts: 3,
    pollMs: 20,
    ...options,
  });
  after(() => publisher.close());
  return { publisher, spoolDir, folders: new SpoolFolders(spoolDir) };
}

describe("HttpSpoolPublisher", () => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  before(() => metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] })));
  const corruptFilesCounted = async () => {
    await reader.forceFlush();
    const points = exporter
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === "rag.storage.corrupt_files")?.dataPoints;
    return (points ?? []).map((point) => [point.attributes, point.value]);
  };

  it("delivers later events while an earlier one keeps failing, and dead-letters it after maxAttempts", async () => {
    const sink = await subjectSink();
    const { publisher, folders } = await spool(sink.url);
    await publisher.publish(event("status:503"));
    for (const n of [1, 2, 3]) await publisher.publish(event(`doc-${n}`));
    await waitFor("the three good events", () => sink.delivered.length === 3 || undefined);
    const [dead] = await waitFor("the dead letter", async () =>
      (await folders.list()).length === 1 ? folders.list() : undefined,
    );
    assert.equal(dead!.subject, "status:503");
    assert.equal(dead!.status, 503);
    assert.equal(dead!.attempts, 3);
    assert.match(dead!.response ?? "", /refused/);
    assert.equal(sink.attempts.get("status:503"), 3);
    assert.equal(await publisher.backlog(), 0);
  });

  it("dead-letters a non-retryable status at once and retries 404, 408, 409 and 429 like KafkaSource", async () => {
    const sink = await subjectSink();
    const { publisher, folders } = await spool(sink.url);
    for (const status of [400, 422, 404, 408, 409, 429])
      await publisher.publish(event(`status:${status}`));
    await waitFor("six dead letters", async () =>
      (await folders.list()).length === 6 ? true : undefined,
    );
    const byStatus = new Map((await folders.list()).map((l) => [l.status, l.attempts]));
    assert.deepEqual(
      [400, 422, 404, 408, 409, 429].map((s) => byStatus.get(s)),
      [1, 1, 3, 3, 3, 3],
    );
  });

  it("replays dead letters into the spool, where they are delivered once the sink takes them", async () => {
    let status = 400;
    const received: string[] = [];
    const server = createServer((request, response: ServerResponse) => {
      request.resume().on("end", () => {
        if (status < 300) received.push(String(request.headers["ce-id"]));
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    after(() => server.close());
    const { publisher, folders } = await spool(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    );
    const sent = event("refused-once");
    await publisher.publish(sent);
    await waitFor(
      "the dead letter",
      async () => (await publisher.isDeadLettered(sent.id)) || undefined,
    );
    status = 202;
    const [letter] = await folders.list();
    assert.deepEqual(await folders.replay([letter!.name]), [letter!.name]);
    assert.equal(await publisher.isDeadLettered(sent.id), false);
    await waitFor("the replayed event", () => received.includes(sent.id) || undefined);
    await assert.rejects(folders.replay(["0".repeat(32)]), /no dead letter/);
  });

  it("survives a dead-letter folder it cannot write (disk full, …): no crash, the event waits and moves once it can", async () => {
    const sink = await subjectSink();
    const { publisher, spoolDir, folders } = await spool(sink.url);
    await publisher.ready();
    // A file where the dead/ folder should be: every move fails, as on a full disk.
    await writeFile(join(spoolDir, "dead"), "not a folder");
    await writeFile(join(spoolDir, "pending", "000000000000001-1-000000.json"), "{truncated");
    await publisher.publish(event("status:400"));
    await publisher.publish(event("after"));
    await waitFor("the good event", () => sink.delivered.includes("after") || undefined);
    // The unreadable file joins the backlog when a scan finds it, which may follow "after".
    await waitFor(
      "both failing events held in the spool",
      () => publisher.backlog() === 2 || undefined,
    );
    await rm(join(spoolDir, "dead"));
    await waitFor("both dead letters", async () =>
      (await folders.list()).length === 2 ? true : undefined,
    );
    assert.equal(await publisher.backlog(), 0);
    assert.deepEqual(
      await corruptFilesCounted(),
      [[{ "rag.storage.store": "event-spool" }, 1]],
      "the unreadable file is counted once, however often its move was retried",
    );
    const litter = (await readdir(spoolDir, { recursive: true })).filter((f) =>
      String(f).endsWith(".tmp"),
    );
    assert.deepEqual(litter, []);
  });

  it("does not wait out the retry backoff of a delivery that failed while closing", {
    timeout: 20_000,
  }, async () => {
    let held: ServerResponse | undefined;
    let arrived!: () => void;
    const delivery = new Promise<void>((resolve) => (arrived = resolve));
    const sink = createServer((_request, response) => {
      held = response;
      arrived();
    });
    await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
    after(() => sink.close());
    // A backoff longer than the test's timeout: close() must not sit it out.
    const { publisher } = await spool(`http://127.0.0.1:${(sink.address() as AddressInfo).port}/`, {
      minBackoffMs: 3_600_000,
      maxBackoffMs: 3_600_000,
    });
    await publisher.publish(new CloudEvent({ type: "rag.test", source: "/test", data: { n: 1 } }));
    await delivery;
    const closed = publisher.close();
    held!.writeHead(503).end();
    await closed;
    assert.equal(
      await publisher.backlog(),
      1,
      "the undelivered event stays in the spool for the next start",
    );
  });
});
