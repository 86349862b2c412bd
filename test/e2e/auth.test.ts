import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { hc } from "hono/client";
import type { SearchApp } from "../../functions/search/app.ts";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import { waitFor } from "../support/wait-for.ts";
import { freePorts } from "../support/free-port.ts";
import { tempDir } from "../support/temp-dir.ts";
import { problemOf, searchAnswerOf } from "../support/response-bodies.ts";

const SECRETS = {
  writer: "writer-0123456789abcdef",
  reader: "reader-0123456789abcdef",
  admin: "admin-0123456789abcdef",
};
const API_KEYS = [
  `writer:${SECRETS.writer}:team-a:rw`,
  `reader:${SECRETS.reader}:team-a:r`,
  `admin:${SECRETS.admin}:*:rw`,
].join("; ");
type Who = keyof typeof SECRETS;

// The four real bundles with API_KEYS set on ingest and search, talking real HTTP.
describe("API keys and namespace authorization on the running functions", () => {
  let stack: LocalStack;
  const logs: string[] = [];

  before(async () => {
    const ports = await freePorts(FUNCTION_NAMES);
    stack = await startLocalStack({
      ports,
      dataDir: await tempDir("auth"),
      env: { API_KEYS },
      onLog: (_n, line) => logs.push(line),
    });
  });
  after(async () => {
    await stack?.stop();
    if (process.exitCode) console.log(logs.join("\n"));
  });

  const bearer = (who?: Who): Record<string, string> =>
    who ? { authorization: `Bearer ${SECRETS[who]}` } : {};
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const ingest = (
    who: Who | undefined,
    namespace: string,
    id: string,
    text = `Document ${id} about autoscaling.`,
  ) => post(`${stack.urls.ingest}/ingest`, { text, namespace, id }, bearer(who));
  const search = (who: Who | undefined, namespace: string, query = "autoscaling") =>
    post(
      `${stack.urls.search}/search`,
      { query, namespace, mode: "keyword", top_k: 10 },
      bearer(who),
    );
  const pageIngest = (who: Who | undefined, namespace: string, id: string) =>
    post(
      `${stack.urls.search}/api/ingest`,
      { text: `Page document ${id} about autoscaling.`, namespace, id },
      bearer(who),
    );
  const errorOf = async (response: Response) => (await problemOf(response)).error;

  it("keeps health endpoints and the page itself open, and the page knows a key is needed", async () => {
    for (const url of [stack.urls.ingest, stack.urls.search])
      assert.equal((await fetch(`${url}/health/readiness`)).status, 200);
    const page = await fetch(stack.urls.search);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /data-auth-required="true"/);
    assert.match(html, /id="api-key-form"/);
  });

  it("answers 401 with WWW-Authenticate and a JSON problem for a missing, malformed or unknown key", async () => {
    const routes = [
      () => ingest(undefined, "team-a", "anon"),
      () => search(undefined, "team-a"),
      () => fetch(`${stack.urls.search}/namespaces`),
      () => pageIngest(undefined, "team-a", "anon"),
      () =>
        fetch(`${stack.urls.ingest}/`, {
          method: "POST",
          headers: { "content-type": "application/cloudevents+json" },
          body: "{}",
        }),
    ];
    for (const send of routes) {
      const response = await send();
      assert.equal(response.status, 401, response.url);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="knative-rag"');
      assert.match(await errorOf(response), /API key is required/);
    }
    const unknown = await post(
      `${stack.urls.ingest}/ingest`,
      { text: "x" },
      { authorization: `Bearer ${"z".repeat(24)}` },
    );
    assert.equal(unknown.status, 401);
    assert.equal(
      unknown.headers.get("www-authenticate"),
      'Bearer realm="knative-rag", error="invalid_token"',
    );
    assert.match(await errorOf(unknown), /not valid/);
    const basic = await post(
      `${stack.urls.search}/search`,
      { query: "x" },
      { authorization: "Basic d3JpdGVyOng=" },
    );
    assert.equal(basic.status, 401);
    assert.match(basic.headers.get("www-authenticate")!, /error="invalid_request"/);
  });

  it("lets a key write only its namespaces (403 names the key and the namespace)", async () => {
    assert.equal((await ingest("writer", "team-a", "a1")).status, 202);
    const elsewhere = await ingest("writer", "team-b", "b1");
    assert.equal(elsewhere.status, 403);
    assert.equal(await errorOf(elsewhere), 'API key "writer" may not write namespace "team-b"');
    const readOnly = await ingest("reader", "team-a", "r1");
    assert.equal(readOnly.status, 403);
    assert.equal(await errorOf(readOnly), 'API key "reader" may not write namespace "team-a"');
    const rawText = await fetch(`${stack.urls.ingest}/ingest?namespace=team-b&id=raw`, {
      method: "POST",
      headers: { "content-type": "text/plain", ...bearer("writer") },
      body: "raw text",
    });
    assert.equal(rawText.status, 403, "the namespace from the query string is checked too");
    assert.equal((await ingest("admin", "team-b", "b2")).status, 202);
  });

  it("lets a key read only its namespaces, and lists only those", async () => {
    await waitFor(
      "a1 to be searchable",
      async () => {
        const response = await search("reader", "team-a");
        assert.equal(response.status, 200);
        return (
          (await searchAnswerOf(response)).sources.some((s) => s.document_id === "a1") || undefined
        );
      },
      30_000,
    );
    const forbidden = await search("reader", "team-b");
    assert.equal(forbidden.status, 403);
    assert.equal(await errorOf(forbidden), 'API key "reader" may not read namespace "team-b"');
    const listed = async (who: Who) => {
      const client = hc<SearchApp>(stack.urls.search, { headers: bearer(who) });
      const response = await client.namespaces.$get();
      assert.ok(response.ok, await response.clone().text());
      const { namespaces } = await response.json();
      return namespaces.map((n) => n.namespace).sort();
    };
    await waitFor(
      "team-b to be indexed",
      async () => (await listed("admin")).includes("team-b") || undefined,
      30_000,
    );
    assert.deepEqual(await listed("reader"), ["team-a"]);
    assert.deepEqual(await listed("admin"), ["team-a", "team-b"]);
  });

  it("the page's /api/ingest takes the same key: search refuses read-only keys, ingest decides the namespace", async () => {
    const readOnly = await pageIngest("reader", "team-a", "p0");
    assert.equal(readOnly.status, 403);
    assert.equal(await errorOf(readOnly), 'API key "reader" may not write any namespace');
    assert.equal((await pageIngest("writer", "team-a", "p1")).status, 202);
    const elsewhere = await pageIngest("writer", "team-b", "p2");
    assert.equal(elsewhere.status, 403);
    assert.equal(await errorOf(elsewhere), 'API key "writer" may not write namespace "team-b"');
  });

  it("logs refused requests without the key", async () => {
    const refusals = () => logs.filter((line) => line.includes("request rejected")).length;
    const before = refusals();
    assert.equal((await ingest("reader", "team-a", "refused")).status, 403);
    assert.equal((await ingest("writer", "team-b", "refused")).status, 403);
    assert.equal((await search("writer", "team-b")).status, 403);
    await waitFor("the three refusals in the log", () => refusals() >= before + 3);
    assert.ok(
      !logs.some((line) => Object.values(SECRETS).some((secret) => line.includes(secret))),
      "a secret reached the logs",
    );
  });
});
