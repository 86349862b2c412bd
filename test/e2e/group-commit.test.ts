import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FilesystemObjectStore } from "../../functions/shared/backends/object-store/filesystem.ts";
import type { IngestAccepted } from "../../functions/ingest/app.ts";
import { startEventSink } from "../support/event-sink.ts";
import { waitFor } from "../support/wait-for.ts";
import { tempDir } from "../support/temp-dir.ts";
import { assertBuilt } from "../telemetry/support/span-collector.ts";
import { startFunctionProcess } from "../support/function-process.ts";

/**
 * Group commit answers 202 only once a batch of submissions is durable: kill -9 of ingest in the
 * middle of concurrent submissions loses none that were answered 202 — each has its object, and
 * its event is delivered after the restart.
 */
describe("ingest group commit under kill -9", () => {
  it("keeps every document answered 202 and delivers its event after a restart", {
    timeout: 60_000,
  }, async () => {
    assertBuilt();
    const dataDir = await tempDir("group-commit-kill");
    const sink = await startEventSink();
    sink.respondWith(503); // events stay in the spool until the restart
    const env = {
      DATA_DIR: dataDir,
      K_SINK: sink.url,
      OBSERVABILITY_ENABLED: "false",
      LOG_LEVEL: "warn",
      SPOOL_MAX_ATTEMPTS: "1000",
      SPOOL_MAX_BACKOFF_MS: "50",
    };
    const first = await startFunctionProcess("ingest", env);
    const accepted: IngestAccepted[] = [];
    let answered!: () => void;
    const enoughAnswered = new Promise<void>((resolve) => (answered = resolve));
    const submissions = Array.from({ length: 64 }, async (_, i) => {
      const response = await fetch(`${first.url}/ingest`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: `doc-${i}`, text: `marker text of document ${i}` }),
      }).catch(() => undefined);
      if (response?.status === 202) accepted.push((await response.json()) as IngestAccepted);
      if (accepted.length >= 8) answered();
    });
    await Promise.race([enoughAnswered, Promise.all(submissions)]);
    await first.stop("SIGKILL");
    await Promise.all(submissions);
    const survivors = [...accepted];
    assert.ok(survivors.length >= 8, `only ${survivors.length} answers before the kill`);

    const objects = new FilesystemObjectStore(dataDir, "documents");
    for (const a of survivors) {
      const bytes = await objects.get(a.key);
      assert.ok(bytes, `object of ${a.document_id} v${a.version} lost`);
      assert.match(
        Buffer.from(bytes).toString(),
        new RegExp(`document ${a.document_id.slice(4)}"`),
      );
    }

    sink.respondWith(202);
    const second = await startFunctionProcess("ingest", env);
    try {
      const delivered = (a: IngestAccepted) =>
        sink.received.some(
          (r) =>
            r.body.includes(`"document_id":"${a.document_id}"`) &&
            r.body.includes(`"version":${a.version}`),
        );
      await waitFor(
        "the event of every document answered 202",
        () => survivors.every(delivered) || undefined,
        30_000,
      );
    } finally {
      await second.stop();
    }
  });
});
