import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Kafka, logLevel, type KafkaMessage } from "kafkajs";
import {
  headerStrings,
  recordToCloudEvent,
} from "../../functions/shared/backends/events/kafka-record.ts";
import { acceptedOf } from "../support/response-bodies.ts";
import { waitFor } from "../support/wait-for.ts";
import {
  named,
  startSpanCollector,
  type SpanCollector,
} from "../telemetry/support/span-collector.ts";
import { tempDir } from "../support/temp-dir.ts";
import { startRealStack, type RealStack } from "./real-stack.ts";
import { corpus, openingWords, submitCorpus } from "../support/corpus.ts";

// The four real bundles as four processes on the real backends (Kafka, S3, Weaviate, Redis behind
// the Upstash REST protocol, an OpenAI-compatible server), with the dev relay as the KafkaSource.
describe("pipeline end to end on the real stack", () => {
  let real: RealStack;
  let kafka: RealStack["kafka"];
  let weaviate: RealStack["weaviate"];
  let openai: RealStack["openai"];
  let stack: RealStack["functions"];
  let relay: RealStack["relay"];
  let collector: SpanCollector;

  before(async () => {
    collector = await startSpanCollector(await tempDir("stack-e2e"));
    real = await startRealStack({
      otlpEndpoint: collector.receiver.url,
      relay: { RELAY_RETRY: "5", RELAY_BACKOFF_DELAY_MS: "200", RELAY_TIMEOUT_MS: "20000" },
    });
    ({ kafka, weaviate, openai, functions: stack, relay } = real);
  });
  after(async () => {
    await real?.stop();
    await collector?.receiver.close();
    if (process.exitCode) console.log(`${real?.logs.join("\n")}\nrelay:\n${relay?.log()}`);
  });

  const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    real.postJson(url, body, headers);
  const ingest = (body: unknown) => real.ingest(body);
  const search = (body: Record<string, unknown>) => real.search(body);
  const namespaceStats = (namespace: string) => real.namespaceStats(namespace);
  const searchable = (documentId: string, namespace: string, query: string, timeoutMs?: number) =>
    real.searchable(documentId, namespace, query, timeoutMs);
  /** Records ever written to the topic: the sum of its partitions' high watermarks. */
  const topicSize = async (topic: string) => {
    const admin = new Kafka({
      clientId: "e2e-admin",
      brokers: kafka.brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  };
  const topicRecords = async (
    topic: string,
    until: (records: KafkaMessage[]) => boolean,
    timeoutMs = 15_000,
  ) => {
    const client = new Kafka({
      clientId: "e2e-reader",
      brokers: kafka.brokers,
      logLevel: logLevel.NOTHING,
    });
    const consumer = client.consumer({ groupId: `e2e-reader-${topic}-${Date.now()}` });
    const records: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void records.push(message) });
    try {
      await waitFor(`records on ${topic}`, () => until(records) || undefined, timeoutMs);
    } finally {
      await consumer.disconnect();
    }
    return records;
  };

  const relayLines = () =>
    relay
      .log()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it("ingests over HTTP and as a CloudEvent; every document goes through Kafka and the relay into Weaviate", async () => {
    await submitCorpus(stack.urls.ingest);
    for (const [id, text] of Object.entries(corpus))
      await searchable(id, "e2e", openingWords(text));
    assert.deepEqual(await namespaceStats("e2e"), { namespace: "e2e", documents: 3, chunks: 3 });

    const records = await topicRecords("documents", (r) => r.length >= 3);
    const knative = records.find((r) => r.key?.toString() === "knative")!;
    const headers = headerStrings(knative.headers);
    assert.equal(headers.ce_type, "rag.document.stored");
    assert.equal(headers.ce_subject, "knative");
    assert.equal(headers["content-type"], "application/json");
    assert.equal(recordToCloudEvent(knative, "documents", 0, "/e2e").partitionkey, "knative");
  });

  it("keeps one trace across the Kafka hop: ce_traceparent and traceparent on the record, index-document a child of the publish", async () => {
    const traceId = "5bf92f3577b34da6a3ce929d0e0e4736";
    const response = await postJson(
      `${stack.urls.ingest}/ingest`,
      { text: "Traced across Kafka and the relay.", namespace: "traces", id: "traced" },
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    );
    assert.equal(response.status, 202);
    assert.equal((await acceptedOf(response)).trace_id, traceId);

    const records = await topicRecords("documents", (r) =>
      r.some((m) => m.key?.toString() === "traced"),
    );
    const headers = headerStrings(records.find((m) => m.key?.toString() === "traced")!.headers);
    assert.match(headers.ce_traceparent ?? "", new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    assert.equal(headers.traceparent, headers.ce_traceparent);

    const spans = await collector.trace(
      traceId,
      (found) =>
        found.some((s) => s.name === "db.insert") && found.some((s) => s.service === "embed"),
    );
    const publish = named(spans, "messaging.publish", "ingest");
    assert.equal(publish.kind, "producer");
    assert.equal(publish.attributes["messaging.system"], "kafka");
    assert.equal(publish.attributes["messaging.destination.name"], "documents");
    assert.equal(
      headers.ce_traceparent,
      `00-${traceId}-${publish.span_id}-01`,
      "the record carries the producer span",
    );
    const indexServer = named(spans, "POST /", "index-document");
    assert.equal(indexServer.parent_span_id, publish.span_id);
    const consumer = named(spans, "indexer.process_document", "index-document");
    assert.equal(consumer.kind, "consumer");
    assert.equal(consumer.attributes["messaging.system"], "kafka");
    assert.equal(consumer.attributes["messaging.destination.name"], "documents");
    assert.equal(named(spans, "db.insert", "index-document").attributes["db.system"], "weaviate");
    assert.equal(named(spans, "openai.embeddings", "embed").attributes["gen_ai.system"], "openai");
  });

  for (const mode of ["hybrid", "vector", "keyword", "bm25"]) {
    it(`ranks the expected document first in ${mode} mode, with a generated answer citing it`, async () => {
      const result = await search({
        query: "how does knative scale a revision to zero pods",
        namespace: "e2e",
        mode,
        top_k: 3,
      });
      assert.equal(result.sources[0]!.document_id, "knative");
      assert.equal(result.metadata.mode, mode === "bm25" ? "keyword" : mode);
      assert.equal(result.metadata.answer_kind, "generative");
      assert.match(result.answer, /\[1\]/);
      for (let i = 1; i < result.sources.length; i++)
        assert.ok(result.sources[i - 1]!.score >= result.sources[i]!.score);
    });
  }

  it("serves a repeated search from the cache, and no longer after a new document lands in the namespace", async () => {
    const query = {
      query: "consumer group partitions",
      namespace: "e2e",
      mode: "hybrid",
      top_k: 5,
    };
    await search(query);
    assert.equal((await search(query)).metadata.cache_hit, true);
    await ingest({
      text: "Kafka consumer group rebalances move partitions between consumers.",
      namespace: "e2e",
      id: "rebalance",
    });
    await searchable("rebalance", "e2e", "rebalances");
    const after = await search(query);
    assert.equal(after.metadata.cache_hit, false);
    assert.ok(after.sources.some((s) => s.document_id === "rebalance"));
  });

  it("never duplicates: a resubmission sends no event, and the same content under a new id is a document of its own", async () => {
    const records = await topicSize("documents");
    assert.equal(
      (
        await ingest({
          text: corpus.kafka,
          metadata: { title: "Kafka" },
          namespace: "e2e",
          id: "kafka",
        })
      ).duplicate,
      true,
    );
    assert.equal(await topicSize("documents"), records, "a resubmission makes no event");
    await ingest({
      text: corpus.kafka,
      metadata: { title: "Kafka copy" },
      namespace: "e2e",
      id: "kafka-copy",
    });
    assert.equal(await topicSize("documents"), records + 1, "the new id makes one");
    await searchable("kafka-copy", "e2e", openingWords(corpus.kafka));
    assert.equal((await namespaceStats("e2e"))?.documents, 5);
  });

  it("sends an event to the dead-letter topic after the relay's retries while Weaviate stays down, and publishes a resubmission again", async () => {
    const document = {
      text: "Dead-lettered once: Weaviate stayed down.",
      namespace: "dead-letter",
      id: "dead",
    };
    await weaviate.stop();
    try {
      await ingest(document);
      const [dead] = await topicRecords(
        "documents-dlq",
        (r) => r.some((m) => m.key?.toString() === "dead"),
        90_000,
      );
      const failed = recordToCloudEvent(dead!, "documents-dlq", 0, "/e2e") as unknown as Record<
        string,
        unknown
      >;
      assert.equal(failed.subject, "dead");
      assert.equal(failed.knativeerrorcode, "503");
      assert.equal(failed.knativeerrordest, `${stack.urls["index-document"]}/`);
      assert.match(
        Buffer.from(String(failed.knativeerrordata), "base64").toString(),
        /vector-store/,
      );
      const deadLettered = relayLines().find(
        (l) => l.subject === "dead" && String(l.message).includes("dead-letter"),
      );
      assert.equal(deadLettered?.attempts, 6, "RELAY_RETRY=5: the first attempt and five retries");
    } finally {
      await weaviate.start();
    }
    const again = await ingest(document);
    assert.equal(
      again.duplicate,
      false,
      "a dead-lettered event is no reason to refuse the document",
    );
    await searchable("dead", "dead-letter", "Dead-lettered once");
  });

  it("rides out an OpenAI-compatible server answering 429 before 200, and answers 503 when it never stops", async () => {
    const before = openai.requests.length;
    openai.failNext(2, { status: 429, retryAfterSeconds: 1 });
    const result = await search({
      query: "what does the activator do",
      namespace: "e2e",
      mode: "vector",
      top_k: 3,
    });
    assert.equal(result.sources[0]!.document_id, "knative");
    assert.deepEqual(
      openai.requests.slice(before, before + 3).map((r) => r.status),
      [429, 429, 200],
    );

    openai.failNext(100, { status: 429, retryAfterSeconds: 0 });
    const refused = await postJson(`${stack.urls.search}/search`, {
      query: "never answered",
      namespace: "e2e",
      mode: "vector",
    });
    openai.failNext(0);
    assert.equal(refused.status, 503);
    assert.ok(refused.headers.get("retry-after"));
  });
});
