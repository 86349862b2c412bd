import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import { hc } from "hono/client";
import type { SearchApp, SearchRequest } from "../../functions/search/app.ts";
import { waitFor } from "../support/wait-for.ts";
import { freePorts } from "../support/free-port.ts";
import { tempDir } from "../support/temp-dir.ts";
import { corpus, openingWords, submitCorpus } from "../support/corpus.ts";
import { documentKey, receiptKey } from "../../functions/shared/domain/document.ts";
import { acceptedOf, indexOutcomeOf, problemOf } from "../support/response-bodies.ts";

// The four real bundles (dist/, built by `npm test`) as four processes talking real HTTP.
describe("pipeline end to end on embedded defaults", () => {
  let stack: LocalStack;
  let dataDir: string;
  const logs: string[] = [];

  before(async () => {
    dataDir = await tempDir("e2e");
    stack = await startLocalStack({
      ports: await freePorts(FUNCTION_NAMES),
      dataDir,
      env: { LOG_LEVEL: "info" },
      onLog: (_n, line) => logs.push(line),
    });
  });
  after(async () => {
    await stack?.stop();
    if (process.exitCode) console.log(logs.join("\n"));
  });

  const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const ingest = async (body: unknown) => {
    const response = await postJson(`${stack.urls.ingest}/ingest`, body);
    assert.equal(response.status, 202);
    return acceptedOf(response);
  };
  const searchClient = () => hc<SearchApp>(stack.urls.search);
  const search = async (body: SearchRequest) => {
    const response = await searchClient().search.$post({ json: body });
    assert.ok(response.ok, await response.clone().text());
    return response.json();
  };
  const namespaceStats = async (namespace: string) => {
    const response = await searchClient().namespaces.$get();
    assert.ok(response.ok, await response.clone().text());
    const { namespaces } = await response.json();
    return namespaces.find((n) => n.namespace === namespace);
  };
  const searchable = (documentId: string, namespace: string, query: string) =>
    waitFor(`${documentId} to be searchable`, async () => {
      const { sources } = await search({ query, namespace, mode: "keyword", top_k: 10 });
      return sources.some((s) => s.document_id === documentId) || undefined;
    });
  // Each test that needs the corpus asks for it, so any one of them can run alone.
  let indexing: Promise<void> | undefined;
  const corpusIndexed = () =>
    (indexing ??= (async () => {
      await submitCorpus(stack.urls.ingest);
      for (const [id, text] of Object.entries(corpus))
        await searchable(id, "e2e", openingWords(text));
    })());

  it("ingests over HTTP and as a CloudEvent, and every document becomes searchable", async () => {
    await corpusIndexed();
    assert.equal((await namespaceStats("e2e"))?.documents, Object.keys(corpus).length);
  });

  for (const mode of ["hybrid", "vector", "keyword", "bm25"] as const) {
    it(`ranks the expected document first in ${mode} mode`, async () => {
      await corpusIndexed();
      const result = await search({
        query: "how does knative scale a revision to zero pods",
        namespace: "e2e",
        mode,
        top_k: 3,
      });
      assert.equal(result.sources[0]!.document_id, "knative");
      assert.equal(result.metadata.mode, mode === "bm25" ? "keyword" : mode);
      assert.match(result.answer, /\[1\]/);
      for (let i = 1; i < result.sources.length; i++)
        assert.ok(result.sources[i - 1]!.score >= result.sources[i]!.score);
    });
  }

  it("never duplicates a chunk when the stored event is delivered again", async () => {
    await corpusIndexed();
    const statsBefore = await namespaceStats("e2e");
    // Ingest writes its receipt's file at its next checkpoint (the journal holds it until then).
    const receiptFile = join(dataDir, "objects/documents", receiptKey("e2e", "kafka"));
    const receipt = JSON.parse(
      await waitFor("the receipt's file", () =>
        readFile(receiptFile, "utf8").catch(() => undefined),
      ),
    ) as { version: number };
    const key = documentKey("e2e", "kafka", receipt.version);
    const stored = JSON.parse(await readFile(join(dataDir, "objects/documents", key), "utf8")) as {
      sha256: string;
      size: number;
    };
    const redeliver = () =>
      postJson(
        `${stack.urls["index-document"]}/`,
        {
          document_id: "kafka",
          namespace: "e2e",
          version: receipt.version,
          bucket: "documents",
          key,
          sha256: stored.sha256,
          size: stored.size,
          metadata: {},
        },
        {
          "ce-specversion": "1.0",
          "ce-id": "redelivered-1",
          "ce-source": "knative-rag/ingest",
          "ce-type": "rag.document.stored",
        },
      );
    const skipped = await redeliver();
    assert.equal(skipped.status, 200);
    assert.equal((await indexOutcomeOf(skipped)).status, "skipped");
    // Without the duplicate check, deterministic chunk ids still make re-indexing an overwrite.
    await rm(join(dataDir, "index-state/e2e/documents"), { recursive: true });
    const reindexed = await redeliver();
    assert.equal((await indexOutcomeOf(reindexed)).status, "indexed");
    assert.deepEqual(await namespaceStats("e2e"), statsBefore);
  });

  it("answers bad input with 4xx JSON bodies that name the problem", async () => {
    const badSearch = await postJson(`${stack.urls.search}/search`, { query: "x", top_k: 0 });
    assert.equal(badSearch.status, 400);
    assert.match((await problemOf(badSearch)).error, /top_k/);
    const badIngest = await postJson(`${stack.urls.ingest}/ingest`, { metadata: {} });
    assert.equal(badIngest.status, 400);
    assert.match((await problemOf(badIngest)).error, /text/);
    const badEvent = await postJson(
      `${stack.urls["index-document"]}/`,
      { document_id: "x" },
      {
        "ce-specversion": "1.0",
        "ce-id": "1",
        "ce-source": "/s",
        "ce-type": "rag.document.stored",
      },
    );
    assert.equal(badEvent.status, 400);
    assert.match((await problemOf(badEvent)).error, /sha256/);
    const tooLarge = await fetch(`${stack.urls.ingest}/ingest`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x".repeat(6 * 1024 * 1024),
    });
    assert.equal(tooLarge.status, 413);
  });

  it("loses nothing when ingest is killed while index-document is down", async () => {
    await stack.stopFunction("index-document");
    const ids = ["spool-1", "spool-2", "spool-3"];
    for (const id of ids)
      await ingest({
        text: `Spooled document ${id} about durable delivery of events.`,
        namespace: "spool",
        id,
      });
    await stack.stopFunction("ingest", "SIGKILL");
    await stack.startFunction("index-document");
    await stack.startFunction("ingest");
    for (const id of ids) await searchable(id, "spool", `Spooled document ${id}`);
    assert.equal((await namespaceStats("spool"))?.documents, 3);
  });
});
