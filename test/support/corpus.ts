import assert from "node:assert/strict";

/** Three short documents whose first words find them, shared by the end-to-end suites. */
export const corpus = {
  kafka:
    "Apache Kafka stores events in partitioned topics. Consumers in a consumer group share the partitions of a topic.",
  weaviate:
    "Weaviate is a vector database. It stores objects with their vectors and answers nearVector, BM25 and hybrid queries.",
  knative:
    "Knative Serving scales a revision to zero pods when it receives no traffic, and the activator wakes it on the next request.",
};

/** Submits the corpus to ingest in namespace `e2e`: two documents as HTTP JSON, the third as a structured CloudEvent. */
export async function submitCorpus(ingestUrl: string): Promise<void> {
  const postJson = (path: string, contentType: string, body: unknown) =>
    fetch(`${ingestUrl}${path}`, {
      method: "POST",
      headers: { "content-type": contentType },
      body: JSON.stringify(body),
    });
  for (const [id, title] of [
    ["kafka", "Kafka"],
    ["weaviate", "Weaviate"],
  ] as const) {
    const response = await postJson("/ingest", "application/json", {
      text: corpus[id],
      metadata: { title },
      namespace: "e2e",
      id,
    });
    assert.equal(response.status, 202, await response.text());
  }
  const event = await postJson("/", "application/cloudevents+json", {
    specversion: "1.0",
    id: "ev-1",
    source: "/e2e",
    type: "rag.document.submitted",
    data: { text: corpus.knative, metadata: { title: "Knative" }, namespace: "e2e", id: "knative" },
  });
  assert.equal(event.status, 202, await event.text());
}

/** A query made of the document's first three words. */
export const openingWords = (text: string) => text.split(" ").slice(0, 3).join(" ");
