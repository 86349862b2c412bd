import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import { freePorts } from "../support/free-port.ts";
import { searchAnswerOf } from "../support/response-bodies.ts";
import { tempDir } from "../support/temp-dir.ts";
import { chromiumSkipReason, launchChromium } from "./chromium.ts";

const ARTIFACTS = ".test-artifacts";
const TRACE_UI = "http://localhost:3000/explore?trace={trace_id}";
const NAMESPACE = "browser";
const ACTIVATOR_DOC =
  "The Knative activator buffers requests while a revision scales up from zero. " +
  "Once pods are ready, the activator forwards the buffered requests and steps out of the data path.";
// What a page that renders with innerHTML would execute: each payload would set window.__xss or open a dialog.
const XSS_DOC =
  "Payload quarantine notes. <script>window.__xss = 'script'</script> " +
  "<img src=x onerror=\"window.__xss = 'img'; alert('img')\"> " +
  "<svg onload=\"window.__xss = 'svg'\"></svg> The quarantine keeps hostile markup inert.";

// The real stack (dist/ bundles, built by `npm test`) behind a real headless Chromium.
describe("search page in headless Chromium", {
  skip: chromiumSkipReason(),
  timeout: 180_000,
}, () => {
  let stack: LocalStack;
  let browser: Browser;
  let page: Page;
  const logs: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  before(async () => {
    assert.ok(
      existsSync("dist/search/index.mjs"),
      "dist/ is missing: run `node scripts/build.mjs` first",
    );
    const ports = await freePorts(FUNCTION_NAMES);
    stack = await startLocalStack({
      ports,
      dataDir: await tempDir("browser"),
      // Trace ids without a collector to send spans to.
      env: {
        OBSERVABILITY_ENABLED: "true",
        OTEL_TRACES_EXPORTER: "none",
        OTEL_METRICS_EXPORTER: "none",
      },
      functionEnv: {
        search: { INGEST_URL: `http://127.0.0.1:${ports.ingest}`, TRACE_UI_URL: TRACE_UI },
      },
      onLog: (_name, line) => logs.push(line),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(stack.urls.search);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    if (process.exitCode) console.log(logs.join("\n"));
  });

  const status = (id: string) => page.locator(`#${id}`);
  const openTab = (name: string) => page.getByRole("tab", { name }).click();

  async function addDocument(fill: () => Promise<void>): Promise<void> {
    await openTab("Add document");
    await fill();
    await page.locator("#doc-namespace").fill(NAMESPACE);
    await page.getByRole("button", { name: "Add document", exact: true }).click();
    await status("add-status")
      .getByText(/^Indexed:/)
      .waitFor({ timeout: 60_000 });
  }

  async function search(
    query: string,
    options: { namespace?: string; topK?: string } = {},
  ): Promise<void> {
    await openTab("Search");
    await page.locator("#namespace").selectOption(options.namespace ?? NAMESPACE);
    await page.locator("#top-k").fill(options.topK ?? "5");
    await page.getByLabel("Question").fill(query);
    const answered = page.waitForResponse(
      (r) => r.url().endsWith("/search") && r.request().method() === "POST",
    );
    await page.getByLabel("Question").press("Enter");
    await answered;
    await page.locator("#results[aria-busy='false']").waitFor();
  }

  it("starts empty, with the query focused and namespaces from the server", async () => {
    assert.equal(await page.evaluate(() => document.activeElement?.id), "query");
    await page.getByText("Ask a question about your documents.").waitFor();
    // The list is filled once GET /namespaces answers; until then the select holds only "default".
    await page
      .locator("#namespace option", { hasText: "documents)" })
      .first()
      .waitFor({ state: "attached" });
    assert.deepEqual(await page.locator("#namespace option").allTextContents(), [
      "default (0 documents)",
    ]);
    assert.equal(await page.locator("body").getAttribute("data-ingest-configured"), "true");
  });

  it("switches tabs with the arrow keys", async () => {
    await page.getByRole("tab", { name: "Search" }).focus();
    await page.keyboard.press("ArrowRight");
    assert.equal(
      await page.getByRole("tab", { name: "Add document" }).getAttribute("aria-selected"),
      "true",
    );
    assert.ok(await page.locator("#panel-add").isVisible());
    assert.ok(!(await page.locator("#panel-search").isVisible()));
    await page.keyboard.press("ArrowLeft");
    assert.ok(await page.locator("#panel-search").isVisible());
  });

  it("adds a pasted document and reports it indexed only once search finds it", async () => {
    await addDocument(async () => {
      await page.getByLabel("Text").fill(ACTIVATOR_DOC);
      await page.getByLabel("Title").fill("Activator");
    });
    const found = await fetch(`${stack.urls.search}/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "activator buffers", namespace: NAMESPACE, mode: "keyword" }),
    });
    assert.equal((await searchAnswerOf(found)).sources.length, 1, "indexed means searchable");
    assert.equal(
      await page.getByLabel("Text").inputValue(),
      "",
      "the form is ready for the next document",
    );
    await page.screenshot({ path: join(ARTIFACTS, "search-page-add.png") });
  });

  it("adds a dropped-in .md file with the hostile markup as its text", async () => {
    await addDocument(async () => {
      await page.locator("#doc-file").setInputFiles({
        name: "quarantine <img src=x onerror=alert(2)>.md",
        mimeType: "text/markdown",
        buffer: Buffer.from(XSS_DOC),
      });
      await status("add-status")
        .getByText(/^Loaded quarantine/)
        .waitFor();
      assert.equal(await page.getByLabel("Text").inputValue(), XSS_DOC);
      assert.equal(
        await page.getByLabel("Title").inputValue(),
        "quarantine <img src=x onerror=alert(2)>",
      );
    });
  });

  it("answers with citations that take the reader to their source", async () => {
    await search("How does the activator buffer requests?");
    const answer = page.locator(".answer-text");
    assert.match((await answer.textContent())!, /activator buffers requests/);
    const citation = answer.locator("a.cite").first();
    assert.equal(await citation.textContent(), "[1]");
    assert.equal(await page.locator("#source-1 .source-title").textContent(), "Activator");
    assert.match((await page.locator("#source-1 .score").textContent())!, /^score \d+\.\d{3}$/);
    assert.deepEqual(
      [
        ...new Set(
          (await page.locator("#source-1 .snippet mark").allTextContents()).map((t) =>
            t.toLowerCase(),
          ),
        ),
      ].sort(),
      ["activator", "buffered", "buffers", "requests"],
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.setViewportSize({ width: 1100, height: 420 });
    await citation.click();
    const source = page.locator("#source-1");
    await page.waitForFunction(() =>
      document.getElementById("source-1")?.classList.contains("highlighted"),
    );
    assert.equal(await page.evaluate(() => document.activeElement?.id), "source-1");
    await page.waitForFunction(() => {
      const box = document.getElementById("source-1")!.getBoundingClientRect();
      return box.top >= 0 && box.top < window.innerHeight;
    });
    assert.ok(await source.isVisible());
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, "search-page.png"), fullPage: true });
  });

  it("shows cache hits, latency and the trace id of each answer", async () => {
    const response = page.waitForResponse((r) => r.url().endsWith("/search"));
    await search("How does the activator buffer requests?");
    const body = await searchAnswerOf(await response);
    assert.equal(body.metadata.cache_hit, true);
    const chips = await page.locator(".meta .chip").allTextContents();
    assert.ok(chips.includes("cache hit"), chips.join(", "));
    assert.ok(
      chips.some((c) => /^\d+ ms$/.test(c)),
      chips.join(", "),
    );
    assert.match(body.metadata.trace_id ?? "", /^[0-9a-f]{32}$/);
    const link = page.locator("a.trace");
    assert.equal(
      await link.getAttribute("href"),
      TRACE_UI.replace("{trace_id}", body.metadata.trace_id!),
    );
    assert.equal(await link.textContent(), `trace ${body.metadata.trace_id}`);
  });

  it("renders hostile markup from documents as text and runs none of it", async () => {
    await search("quarantine hostile markup");
    const results = page.locator("#results");
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, the text as rendered
    const text = (await results.innerText()).replace(/\s+/g, " ");
    assert.ok(text.includes("<script>window.__xss = 'script'</script>"), text);
    assert.ok(text.includes(`<img src=x onerror="window.__xss = 'img'; alert('img')">`), text);
    assert.ok(text.includes("quarantine <img src=x onerror=alert(2)>"), "the title is text too");
    assert.equal(
      await results.locator("img, script, svg").count(),
      0,
      "no element was made from document text",
    );
    assert.equal(
      await page.evaluate(() => (window as unknown as { __xss?: string }).__xss),
      undefined,
    );
    assert.deepEqual(dialogs, []);
    await page.screenshot({ path: join(ARTIFACTS, "search-page-xss.png"), fullPage: true });
  });

  it("restores a search from its address, so results can be reloaded and shared", async () => {
    await page.goto(
      `${stack.urls.search}/?q=activator&namespace=${NAMESPACE}&mode=keyword&top_k=1`,
    );
    await page.locator("#source-1").waitFor();
    assert.match((await page.locator("#search-status").textContent())!, /^1 source in \d+ ms$/);
    assert.equal(await page.locator("#mode").inputValue(), "keyword");
    assert.equal(await page.locator("#namespace").inputValue(), NAMESPACE);
    assert.equal(await page.locator(".source").count(), 1);
  });

  it("says when nothing matched and shows the server's message for a bad query", async () => {
    await search("anything at all", { namespace: "default" });
    await page.getByText("No sources matched.").waitFor();
    await search("activator", { topK: "0" });
    assert.match(
      (await page.locator("#results .error-box").textContent())!,
      /top_k must be between 1 and 50/,
    );
  });

  it("is readable on a phone and in dark mode", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: "dark" });
    await search("How does the activator buffer requests?");
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px on a phone`);
    await page.screenshot({ path: join(ARTIFACTS, "search-page-phone-dark.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it("says what went wrong when ingest is down", async () => {
    await stack.stopFunction("ingest");
    await openTab("Add document");
    await page.getByLabel("Text").fill("This one cannot be stored.");
    await page.getByRole("button", { name: "Add document", exact: true }).click();
    await status("add-status")
      .getByText(/ingest is unavailable; retry later/)
      .waitFor();
    assert.equal(await status("add-status").getAttribute("class"), "status error");
    await stack.startFunction("ingest");
  });

  it("raised no script errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
