// Traffic that makes every function metric of monitoring/metrics-catalog.yaml exist: documents
// ingested and indexed, searches in every mode, cache hits, 4xx, and a 5xx on /search and on
// index-document (the SLO rules divide by them), with chat and embeddings on an
// OpenAI-compatible server so the gen_ai.* metrics, tokens included, are recorded.
import assert from "node:assert/strict";
import type { LocalStack } from "../../cli/local-stack.ts";
import { asAccepted, searchAnswerOf } from "../support/response-bodies.ts";
import { waitFor } from "../support/wait-for.ts";
import type { OpenAiCompatibleServer } from "./openai-compatible-server.ts";

const NAMESPACE = "promql-live";

const postJson = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function expectStatus(
  response: Promise<Response>,
  status: number,
  what: string,
): Promise<unknown> {
  const res = await response;
  const text = await res.text();
  assert.equal(res.status, status, `${what}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function driveTraffic(
  stack: LocalStack,
  openai: OpenAiCompatibleServer,
): Promise<void> {
  const { ingest, search } = stack.urls;
  const searchFor = (query: string, mode: string) =>
    postJson(`${search}/search`, { query, namespace: NAMESPACE, mode, top_k: 3 });
  const searchable = (id: string, word: string) =>
    waitFor(
      `${id} to be searchable`,
      async () => {
        const res = await searchFor(word, "keyword");
        if (res.status !== 200) return undefined;
        return (await searchAnswerOf(res)).sources.some((s) => s.document_id === id) || undefined;
      },
      30_000,
    );

  // Ingest (JSON and raw text/plain), a duplicate, and the async hop to index-document.
  const knative = {
    id: "activator",
    text: "The activator holds requests while a revision scales from zero.",
    namespace: NAMESPACE,
  };
  await expectStatus(postJson(`${ingest}/ingest`, knative), 202, "ingest JSON");
  await expectStatus(
    fetch(`${ingest}/ingest?namespace=${NAMESPACE}&id=kafka&title=Kafka`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "KafkaSource delivers each record to index-document.",
    }),
    202,
    "ingest text/plain",
  );
  const duplicate = await expectStatus(
    postJson(`${ingest}/ingest`, knative),
    202,
    "ingest duplicate",
  );
  assert.equal(asAccepted(duplicate).duplicate, true);
  await searchable("activator", "activator");
  await searchable("kafka", "KafkaSource");

  // Every mode; the repeat is a search-cache hit, and vector after hybrid an embedding-cache hit.
  for (const mode of ["hybrid", "vector", "keyword", "hybrid"])
    await expectStatus(
      searchFor("how does the activator scale from zero", mode),
      200,
      `search ${mode}`,
    );

  // Client errors.
  await expectStatus(postJson(`${search}/search`, {}), 400, "search without a query");
  await expectStatus(
    postJson(`${ingest}/ingest`, { text: "x", namespace: "Not Valid" }),
    400,
    "ingest into a bad namespace",
  );

  // A 5xx on /search: the chat model fails once (no client retries: OPENAI_MAX_RETRIES=0).
  openai.failNext(1, { status: 500, path: "/v1/chat/completions" });
  await expectStatus(
    searchFor("what does the activator hold", "keyword"),
    503,
    "search while the model fails",
  );

  // A 5xx on index-document: embeddings fail for all three of its calls to embed (the embed
  // client retries twice), so it answers 503; the event's redelivery then indexes the document.
  const requestsBefore = openai.requests.length;
  openai.failNext(3, { status: 500, path: "/v1/embeddings" });
  await expectStatus(
    postJson(`${ingest}/ingest`, {
      id: "retried",
      text: "Redelivery indexes a document after a failed attempt.",
      namespace: NAMESPACE,
    }),
    202,
    "ingest for a failed index",
  );
  await searchable("retried", "Redelivery");
  assert.ok(
    openai.requests
      .slice(requestsBefore)
      .some((r) => r.path === "/v1/embeddings" && r.status === 500),
    "the embeddings failure was served to index-document's embed call",
  );
}
