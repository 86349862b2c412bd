import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { testClient } from "hono/testing";
import type * as z from "zod";
import { startEventSink } from "../../test/support/event-sink.ts";
import { waitFor } from "../../test/support/wait-for.ts";
import { silentLogger } from "../../test/support/silent-logger.ts";
import { tempDir } from "../../test/support/temp-dir.ts";
import type { EventPublisher } from "../shared/backends/events/index.ts";
import { HttpSpoolPublisher } from "../shared/backends/events/http-spool.ts";
import { FilesystemObjectStore } from "../shared/backends/object-store/filesystem.ts";
import {
  documentKey,
  type documentSubmissionSchema,
  type StoredDocument,
} from "../shared/domain/document.ts";
import { createIngestApp } from "./app.ts";
import { acceptedOf, problemOf } from "../../test/support/response-bodies.ts";

describe("ingest app", async () => {
  const dataDir = await tempDir("ingest");
  const sink = await startEventSink();
  const objectStore = new FilesystemObjectStore(dataDir, "documents");
  const publisher = new HttpSpoolPublisher({
    sink: sink.url,
    spoolDir: `${dataDir}/spool`,
    logger: silentLogger,
    minBackoffMs: 20,
  });
  after(() => publisher.close());
  const app = createIngestApp({
    objectStore,
    publisher,
    logger: silentLogger,
    maxDocumentBytes: 1000,
  });
  const post = (
    path: string,
    body: string,
    headers: Record<string, string> = { "content-type": "application/json" },
  ) => app.request(path, { method: "POST", headers, body });
  const client = testClient(app);
  /** POST /ingest with a JSON submission; it must be accepted. */
  const submitJson = async (
    json: z.input<typeof documentSubmissionSchema>,
    headers?: Record<string, string>,
  ) => {
    const response = await client.ingest.$post({ json }, { headers });
    assert.equal(response.status, 202, await response.clone().text());
    return response.json();
  };

  it("stores the document, publishes a claim-check event in binary mode and answers 202", async () => {
    const accepted = await submitJson({
      text: "Hello Knative",
      metadata: { title: "Hi" },
      namespace: "docs",
      id: "doc-1",
    });
    const { version } = accepted;
    assert.ok(Number.isSafeInteger(version) && version > 0);
    assert.deepEqual(accepted, {
      document_id: "doc-1",
      status: "accepted",
      duplicate: false,
      version,
      bucket: "documents",
      key: documentKey("docs", "doc-1", version),
      namespace: "docs",
    });
    const stored = JSON.parse(
      Buffer.from((await objectStore.get(accepted.key))!).toString(),
    ) as Record<string, unknown>;
    assert.equal(stored.text, "Hello Knative");
    const delivery = await waitFor("the event", () => sink.received[0]);
    assert.equal(delivery.headers["ce-type"], "rag.document.stored");
    assert.equal(delivery.headers["ce-subject"], "doc-1");
    assert.equal(delivery.headers["ce-partitionkey"], "doc-1");
    const data = JSON.parse(delivery.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(data).sort(), [
      "bucket",
      "document_id",
      "key",
      "metadata",
      "namespace",
      "sha256",
      "size",
      "version",
    ]);
    assert.equal(data.version, version);
    assert.equal(data.size, 13);
    assert.ok(
      !delivery.body.includes("Hello Knative"),
      "the event is a claim check, never the text",
    );
  });

  it("treats the same id and content as a duplicate with no second event", async () => {
    const submit = async () =>
      (
        await submitJson({
          text: "Hello again",
          metadata: { title: "Hi" },
          namespace: "docs",
          id: "dup-1",
        })
      ).duplicate;
    assert.equal(await submit(), false);
    // A publish is in the spool before ingest answers: an empty spool means every event was delivered.
    const delivered = () => publisher.backlog() === 0;
    await waitFor("the first submission's event", delivered);
    const before = sink.received.length;
    assert.equal(await submit(), true);
    await waitFor("an empty spool", delivered);
    assert.equal(sink.received.length, before);
  });

  it("gives every new content of an id a higher version, a return to an old content and new metadata included", async () => {
    const submit = (text: string, metadata: Record<string, string> = {}) =>
      submitJson({ text, metadata, namespace: "versions", id: "A" });
    const v1 = await submit("first text");
    const v2 = await submit("second text");
    const v3 = await submit("first text");
    const v4 = await submit("first text", { title: "now with a title" });
    assert.deepEqual(
      [v1, v2, v3, v4].map((v) => v.duplicate),
      [false, false, false, false],
    );
    assert.ok(v1.version < v2.version && v2.version < v3.version && v3.version < v4.version);
    assert.equal(
      new Set([v1.key, v2.key, v3.key, v4.key]).size,
      4,
      "each version has its own object",
    );
    assert.equal((await submit("first text", { title: "now with a title" })).duplicate, true);
  });

  it("publishes a resubmitted document again when its event was dead-lettered", async () => {
    sink.respondWith(400);
    try {
      await post(
        "/ingest",
        JSON.stringify({ text: "Refused once", namespace: "dead", id: "refused" }),
      );
      await waitFor("the dead letter", async () => (await publisher.backlog()) === 0 || undefined);
    } finally {
      sink.respondWith(202);
    }
    const again = await submitJson({ text: "Refused once", namespace: "dead", id: "refused" });
    assert.equal(again.duplicate, false);
    await waitFor("the new event", () =>
      sink.received.find((r) => r.headers["ce-subject"] === "refused"),
    );
  });

  it("publishes one event for many concurrent identical submissions", async () => {
    const before = sink.received.length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        submitJson({ text: "Same again", namespace: "burst", id: "same" }),
      ),
    );
    assert.equal(answers.filter((a) => !a.duplicate).length, 1);
    await waitFor("the one event", () => sink.received.length > before || undefined);
    assert.equal(await publisher.backlog(), 0);
    assert.equal(sink.received.filter((r) => r.headers["ce-subject"] === "same").length, 1);
  });

  it("maps an Idempotency-Key to one document id", async () => {
    const send = () => submitJson({ text: "Once only" }, { "idempotency-key": "key-42" });
    const first = await send();
    const second = await send();
    assert.equal(first.document_id, second.document_id);
    assert.deepEqual([first.duplicate, second.duplicate], [false, true]);
  });

  it("accepts raw markdown with title and namespace in the query string", async () => {
    const response = await post("/ingest?title=Notes&namespace=notes", "# Notes\nSome text", {
      "content-type": "text/markdown",
    });
    assert.equal(response.status, 202);
    const { key } = await acceptedOf(response);
    const stored: StoredDocument = JSON.parse(
      Buffer.from((await objectStore.get(key))!).toString(),
    );
    assert.deepEqual(stored.metadata, { type: "markdown", title: "Notes" });
  });

  it("accepts a rag.document.submitted CloudEvent in structured and binary mode; a resent event is a duplicate", async () => {
    const structured = JSON.stringify({
      specversion: "1.0",
      id: "e-1",
      source: "/test",
      type: "rag.document.submitted",
      datacontenttype: "application/json",
      data: { text: "From an event" },
    });
    const sendStructured = async () =>
      acceptedOf(await post("/", structured, { "content-type": "application/cloudevents+json" }));
    const first = await sendStructured();
    const again = await sendStructured();
    assert.equal(first.document_id, again.document_id);
    assert.equal(again.duplicate, true);
    const mixedCase = await post("/", structured.replace("e-1", "e-3"), {
      "content-type": "Application/CloudEvents+JSON; charset=UTF-8",
    });
    assert.equal(mixedCase.status, 202, await mixedCase.clone().text());
    const binary = await post("/", JSON.stringify({ text: "Binary event", namespace: "events" }), {
      "content-type": "application/json",
      "ce-specversion": "1.0",
      "ce-id": "e-2",
      "ce-source": "/test",
      "ce-type": "rag.document.submitted",
    });
    assert.equal(binary.status, 202);
    const accepted = await acceptedOf(binary);
    assert.equal(accepted.namespace, "events");
  });

  it("rejects bad input with a 4xx JSON body naming the problem", async () => {
    const cases: [string, string, Record<string, string>, number, RegExp][] = [
      [
        "/ingest",
        JSON.stringify({ text: "" }),
        { "content-type": "application/json" },
        400,
        /text/,
      ],
      [
        "/ingest",
        JSON.stringify({ text: "x", namespace: "No_Way" }),
        { "content-type": "application/json" },
        400,
        /namespace/,
      ],
      [
        "/ingest",
        JSON.stringify({ text: "x", metadata: { title: 5 } }),
        { "content-type": "application/json" },
        400,
        /metadata\.title/,
      ],
      [
        "/ingest",
        JSON.stringify({ text: "x", id: "../escape" }),
        { "content-type": "application/json" },
        400,
        /id/,
      ],
      // 32 fields × 1024 three-byte characters: within the per-field limits, but 96 KiB of metadata
      // would make an event larger than index-document accepts.
      [
        "/ingest",
        JSON.stringify({
          text: "x",
          metadata: Object.fromEntries(
            Array.from({ length: 32 }, (_, i) => [`f${i}`, "€".repeat(1024)]),
          ),
        }),
        { "content-type": "application/json" },
        400,
        /metadata must be at most/,
      ],
      ["/ingest", "{not json", { "content-type": "application/json" }, 400, /JSON/],
      [
        "/ingest",
        JSON.stringify({ text: "x".repeat(1001) }),
        { "content-type": "application/json" },
        413,
        /limit is 1000/,
      ],
      [
        "/ingest",
        "x".repeat(200_000),
        { "content-type": "text/plain" },
        413,
        /text is 200000 bytes; the limit is 1000/,
      ],
      ["/ingest", "x".repeat(2_000_000), { "content-type": "text/plain" }, 413, /larger than/],
      ["/ingest", "<a/>", { "content-type": "application/xml" }, 415, /content-type/],
      [
        "/",
        JSON.stringify({ text: "x" }),
        {
          "content-type": "application/json",
          "ce-specversion": "1.0",
          "ce-id": "1",
          "ce-source": "/s",
          "ce-type": "other.type",
        },
        400,
        /unsupported CloudEvent type/,
      ],
    ];
    for (const [path, body, headers, status, message] of cases) {
      const response = await post(path, body, headers);
      assert.equal(response.status, status, `${path} ${body.slice(0, 40)}`);
      const problem = await problemOf(response);
      assert.match(problem.error, message);
    }
  });
});

describe("ingest when the publish's acknowledgement is lost", async () => {
  const dataDir = await tempDir("ingest-lost-ack");
  const sink = await startEventSink();
  const objectStore = new FilesystemObjectStore(dataDir, "documents");
  const spool = new HttpSpoolPublisher({
    sink: sink.url,
    spoolDir: `${dataDir}/spool`,
    logger: silentLogger,
    minBackoffMs: 20,
  });
  after(() => spool.close());
  // The record is published, but the answer never comes back (a Kafka ack that timed out).
  let loseNextAck = false;
  const publisher: EventPublisher = {
    system: spool.system,
    destination: spool.destination,
    ready: () => spool.ready(),
    close: () => spool.close(),
    isDeadLettered: (id) => spool.isDeadLettered(id),
    async publish(event) {
      await spool.publish(event);
      if (loseNextAck) {
        loseNextAck = false;
        throw new Error("no acknowledgement from Kafka within 10 ms");
      }
    },
  };
  const app = createIngestApp({
    objectStore,
    publisher,
    logger: silentLogger,
    maxDocumentBytes: 1000,
  });
  const client = testClient(app);
  const ingest = (text: string, id: string) => client.ingest.$post({ json: { text, id } });
  const eventsOf = (id: string) => sink.received.filter((r) => r.headers["ce-subject"] === id);

  it("answers 503 + Retry-After, and the resubmit publishes the same event (same id, same key) again", async () => {
    loseNextAck = true;
    const failed = await ingest("version one", "lost-ack");
    assert.equal(failed.status, 503);
    assert.ok(Number(failed.headers.get("retry-after")) > 0);
    const retried = await ingest("version one", "lost-ack");
    assert.equal(retried.status, 202);
    assert.equal((await retried.json()).duplicate, false);
    const [first, second] = await waitFor("both deliveries", () =>
      eventsOf("lost-ack").length >= 2 ? eventsOf("lost-ack") : undefined,
    );
    assert.equal(
      first!.headers["ce-id"],
      second!.headers["ce-id"],
      "a redelivery of one event, not a second event",
    );
    assert.equal(first!.headers["ce-partitionkey"], second!.headers["ce-partitionkey"]);
  });

  it("gives a new event id to new content, and to a return to older content", async () => {
    for (const text of ["version one", "version two", "version one"])
      assert.equal((await ingest(text, "new-content")).status, 202);
    const events = await waitFor("three deliveries", () =>
      eventsOf("new-content").length >= 3 ? eventsOf("new-content") : undefined,
    );
    const ids = events.map((r) => r.headers["ce-id"]);
    assert.equal(new Set(ids).size, 3, `event ids: ${ids.join(", ")}`);
  });
});
