import assert from "node:assert/strict";
import { Script } from "node:vm";
import { describe, it } from "node:test";
import { testClient } from "hono/testing";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { createPageTestApp } from "../../../test/support/page-test-app.ts";
import { problemOf } from "../../../test/support/response-bodies.ts";

const TRACE_UI = 'http://localhost:3000/explore?left={"queries":[{"query":"{trace_id}"}]}';

describe("search page routes", async () => {
  const dataDir = await tempDir("search-page");
  const { app, index } = createPageTestApp(dataDir, {
    ingestUrl: "http://127.0.0.1:9/",
    traceUiUrl: TRACE_UI,
  });
  const page = await testClient(app).index.$get();
  const html = await page.text();
  const assetPath = (extension: string) =>
    html.match(new RegExp(`"(/assets/search-page\\.[0-9a-f]{12}\\.${extension})"`))?.[1];

  it("serves the page with a strict content security policy", () => {
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    const csp = page.headers.get("content-security-policy")!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal(page.headers.get("cache-control"), "no-cache");
    assert.match(html, /^<!doctype html><html lang="en">/);
    assert.doesNotMatch(html, /https?:\/\/(?!localhost)/, "no external fonts, scripts or trackers");
  });

  it("tells the script where traces are viewed and that ingest is configured", () => {
    assert.match(html, /data-ingest-configured="true"/);
    assert.ok(html.includes(`data-trace-ui-url="${TRACE_UI.replaceAll('"', "&quot;")}"`));
    assert.match(html, /id="add-form"/);
  });

  it("says so instead of showing the form when INGEST_URL is not set", async () => {
    const bare = await (await testClient(createPageTestApp(dataDir, {}).app).index.$get()).text();
    assert.match(bare, /data-ingest-configured="false"/);
    assert.match(bare, /Adding documents is not configured/);
    assert.doesNotMatch(bare, /id="add-form"/);
    assert.match(bare, /data-trace-ui-url=""/);
  });

  it("serves the script and stylesheet under content-hashed, immutable paths", async () => {
    for (const [extension, type] of [
      ["js", "text/javascript"],
      ["css", "text/css"],
    ] as const) {
      const path = assetPath(extension);
      assert.ok(path, `the page links a .${extension} asset`);
      const response = await app.request(path);
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type")!, new RegExp(`^${type}`));
      assert.equal(response.headers.get("cache-control"), "public, max-age=31536000, immutable");
      assert.ok((await response.text()).length > 1000);
    }
    const unknown = await app.request("/assets/search-page.000000000000.js");
    assert.equal(unknown.status, 404);
    const problem = await problemOf(unknown);
    assert.match(problem.error, /no route/);
  });

  it("builds a script that parses and never turns text into HTML", async () => {
    const script = await (await app.request(assetPath("js")!)).text();
    assert.doesNotThrow(() => new Script(script, { filename: "search-page.js" }));
    assert.doesNotMatch(
      script,
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/,
    );
  });

  it("keeps search working beside the page", async () => {
    await index("default", "scaling", "Knative scales a revision to zero when idle.", "Scaling");
    const response = await testClient(app).search.$post({ json: { query: "scale to zero" } });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).sources[0]?.document_id, "scaling");
  });
});
