import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import * as z from "zod";
import { freePort } from "../../../test/support/free-port.ts";
import { startEventSink } from "../../../test/support/event-sink.ts";
import { silentLogger } from "../../../test/support/silent-logger.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { createIngestApp } from "../../ingest/app.ts";
import { createPageTestApp } from "../../../test/support/page-test-app.ts";
import { ConfigError, parseEnv } from "../config/env.ts";
import { HttpSpoolPublisher } from "../backends/events/http-spool.ts";
import { FilesystemObjectStore } from "../backends/object-store/filesystem.ts";
import { accessEnv } from "./env.ts";
import { problemOf } from "../../../test/support/response-bodies.ts";

const PARTNER = "https://partner.example";

describe("writes a browser can send", async () => {
  const dataDir = await tempDir("browser-writes");
  const sink = await startEventSink();
  const publisher = new HttpSpoolPublisher({
    sink: sink.url,
    spoolDir: `${dataDir}/spool`,
    logger: silentLogger,
    minBackoffMs: 20,
  });
  after(() => publisher.close());
  // One store per process, as in ingest: a second one would replay the first one's live journal
  // (same pid: in a container a restarted process has its predecessor's).
  const objectStore = new FilesystemObjectStore(dataDir, "documents");
  const ingest = (allowedOrigins: string[] = []) =>
    createIngestApp({
      objectStore,
      publisher,
      logger: silentLogger,
      maxDocumentBytes: 1000,
      access: { allowedOrigins },
    });
  const postText = (headers: Record<string, string>, app = ingest()) =>
    app.request("http://ingest.local/ingest?namespace=csrf", {
      method: "POST",
      headers: { "content-type": "text/plain", ...headers },
      body: "some text",
    });
  const errorOf = async (response: Response) => {
    const problem = await problemOf(response);
    return problem.error;
  };

  it("accepts clients that are not browsers (no Origin), as before", async () => {
    assert.equal((await postText({})).status, 202);
  });

  it("accepts a page of the server's own origin, whatever the scheme in front", async () => {
    assert.equal((await postText({ origin: "http://ingest.local" })).status, 202);
    assert.equal((await postText({ origin: "https://ingest.local" })).status, 202);
  });

  for (const [label, headers] of [
    ["another origin", { origin: "https://evil.example" }],
    ["another port of the same host", { origin: "http://ingest.local:8081" }],
    ["an opaque origin (sandboxed frame, file: page)", { origin: "null" }],
    ["a cross-site fetch without Origin", { "sec-fetch-site": "cross-site" }],
  ] as const) {
    it(`refuses ${label} with 403 and a JSON problem`, async () => {
      const response = await postText(headers);
      assert.equal(response.status, 403);
      assert.match(await errorOf(response), /cross-origin write refused/);
    });
  }

  it("accepts ALLOWED_ORIGINS pages and answers their preflights", async () => {
    const app = ingest([PARTNER]);
    assert.equal((await postText({ origin: PARTNER }, app)).status, 202);
    const preflight = (origin: string) =>
      app.request("http://ingest.local/ingest", {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,authorization",
        },
      });
    const allowed = await preflight(PARTNER);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get("access-control-allow-origin"), PARTNER);
    assert.match(allowed.headers.get("access-control-allow-headers")!, /authorization/);
    assert.equal(
      (await preflight("https://evil.example")).headers.get("access-control-allow-origin"),
      null,
    );
  });

  it("answers no preflight at all without ALLOWED_ORIGINS", async () => {
    const response = await ingest().request("http://ingest.local/ingest", {
      method: "OPTIONS",
      headers: { origin: PARTNER, "access-control-request-method": "POST" },
    });
    assert.equal(response.headers.get("access-control-allow-origin"), null);
  });

  it("the page's /api/ingest takes only JSON or Markdown, the types a stranger's page cannot send unasked", async () => {
    const { app } = createPageTestApp(await tempDir("browser-writes-page"), {
      ingestUrl: `http://127.0.0.1:${await freePort()}`,
      ingestTimeoutMs: 1000,
    });
    const post = (contentType: string | undefined) =>
      app.request("/api/ingest", {
        method: "POST",
        headers: contentType ? { "content-type": contentType } : {},
        body: '{"text": "x"}',
      });
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      undefined,
    ]) {
      const response = await post(type);
      assert.equal(response.status, 415, String(type));
      assert.match(await errorOf(response), /send application\/json or text\/markdown/);
    }
    // Past the guard: ingest is down here, so 503 proves the request was let through.
    assert.equal((await post("application/json; charset=utf-8")).status, 503);
    assert.equal((await post("text/markdown")).status, 503);
  });
});

describe("ALLOWED_ORIGINS", () => {
  const parse = (ALLOWED_ORIGINS?: string) =>
    parseEnv(z.object(accessEnv), { ALLOWED_ORIGINS }).ALLOWED_ORIGINS;

  it("is a comma-separated list of origins, empty by default", () => {
    assert.deepEqual(parse(undefined), []);
    assert.deepEqual(parse(" https://a.example , http://localhost:3000 "), [
      "https://a.example",
      "http://localhost:3000",
    ]);
  });

  for (const bad of [
    "https://a.example/",
    "https://a.example/app",
    "*",
    "a.example",
    "ftp://a.example",
  ]) {
    it(`rejects ${JSON.stringify(bad)}, naming the variable and the entry`, () => {
      assert.throws(
        () => parse(`https://ok.example,${bad}`),
        (error: Error) =>
          error instanceof ConfigError &&
          error.message.includes("ALLOWED_ORIGINS=") &&
          error.message.includes(`entry 2: "${bad}" is not an origin`),
      );
    });
  }
});
