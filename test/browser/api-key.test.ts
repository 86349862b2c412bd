import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import { freePorts } from "../support/free-port.ts";
import { tempDir } from "../support/temp-dir.ts";
import { chromiumSkipReason, launchChromium } from "./chromium.ts";

const EDITOR_KEY = "editor-0123456789abcdef";
const READER_KEY = "reader-0123456789abcdef";

// The page of a stack with API_KEYS set, in a real headless Chromium: the key is asked for, kept
// in the tab, and sent with every search, namespace list and document the page adds.
describe("search page with API keys in headless Chromium", {
  skip: chromiumSkipReason(),
  timeout: 180_000,
}, () => {
  let stack: LocalStack;
  let browser: Browser;
  let page: Page;
  const logs: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(
      existsSync("dist/search/index.mjs"),
      "dist/ is missing: run `node scripts/build.mjs` first",
    );
    stack = await startLocalStack({
      ports: await freePorts(FUNCTION_NAMES),
      dataDir: await tempDir("browser-auth"),
      env: { API_KEYS: `editor:${EDITOR_KEY}:*:rw; reader:${READER_KEY}:*:r` },
      onLog: (_name, line) => logs.push(line),
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(stack.urls.search);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    if (process.exitCode) console.log(logs.join("\n"));
  });

  const useKey = async (key: string) => {
    const listed = page.waitForResponse((r) => r.url().endsWith("/namespaces"));
    await page.getByRole("textbox", { name: "API key" }).fill(key);
    await page.getByRole("button", { name: "Use key" }).click();
    return listed;
  };

  it("asks for a key before anything else, and says why", async () => {
    await page.locator("#api-key-panel:not([hidden])").waitFor();
    await page
      .locator("#api-key-status")
      .getByText(/needs an API key|API key is required/)
      .waitFor();
    await page
      .locator("#search-status")
      .getByText(/Could not load namespaces: an API key is required/)
      .waitFor();
  });

  it("says a wrong key is not valid and keeps asking", async () => {
    assert.equal((await useKey("wrong-0123456789abcdef")).status(), 401);
    await page.locator("#api-key-status").getByText("the API key is not valid").waitFor();
    assert.ok(await page.locator("#api-key-panel").isVisible());
  });

  it("sends the key it was given: namespaces load, documents are added and found", async () => {
    assert.equal((await useKey(EDITOR_KEY)).status(), 200);
    assert.ok(
      !(await page.locator("#api-key-panel").isVisible()),
      "the panel closes once a key works",
    );
    await page.getByRole("tab", { name: "Add document" }).click();
    await page
      .getByLabel("Text")
      .fill("Queue-proxy enforces containerConcurrency for every revision pod.");
    await page.locator("#doc-namespace").fill("keyed");
    await page.getByRole("button", { name: "Add document", exact: true }).click();
    await page
      .locator("#add-status")
      .getByText(/^Indexed:/)
      .waitFor({ timeout: 60_000 });
    assert.equal(
      await page.evaluate(() => sessionStorage.getItem("knative-rag.api-key")),
      EDITOR_KEY,
      "kept in this tab's sessionStorage",
    );
    assert.deepEqual((await page.context().cookies()).length, 0, "never a cookie");
  });

  it("shows the server's 403 when the key may not write", async () => {
    await page.getByRole("button", { name: "API key", exact: true }).click();
    await useKey(READER_KEY);
    await page.getByRole("tab", { name: "Add document" }).click();
    await page.getByLabel("Text").fill("A reader cannot add this.");
    await page.getByRole("button", { name: "Add document", exact: true }).click();
    await page
      .locator("#add-status")
      .getByText('API key "reader" may not write any namespace')
      .waitFor();
  });

  it("forgets the key on request", async () => {
    await page.getByRole("button", { name: "API key", exact: true }).click();
    await page.getByRole("button", { name: "Forget" }).click();
    await page
      .locator("#api-key-status")
      .getByText(/Key forgotten/)
      .waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem("knative-rag.api-key")), null);
  });

  it("raised no script errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
