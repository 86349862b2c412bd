import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import { freePorts } from "../support/free-port.ts";
import { acceptedOf, asAccepted } from "../support/response-bodies.ts";
import { tempDir } from "../support/temp-dir.ts";
import { chromiumSkipReason, launchChromium } from "./chromium.ts";

/** A site of its own (another port is another origin): one empty page the test scripts from. */
async function startSite(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_request, response) =>
    response
      .writeHead(200, { "content-type": "text/html" })
      .end("<!doctype html><title>site</title>"),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

// CSRF as a browser really sends it: a page on another origin makes headless Chromium POST to the
// stack (embedded defaults, no API keys). Only ALLOWED_ORIGINS may write, with CORS.
describe("writes from pages of other origins, in headless Chromium", {
  skip: chromiumSkipReason(),
  timeout: 180_000,
}, () => {
  let stack: LocalStack;
  let browser: Browser;
  let attacker: { origin: string; server: Server };
  let partner: { origin: string; server: Server };
  const logs: string[] = [];

  before(async () => {
    assert.ok(
      existsSync("dist/search/index.mjs"),
      "dist/ is missing: run `node scripts/build.mjs` first",
    );
    [attacker, partner] = await Promise.all([startSite(), startSite()]);
    stack = await startLocalStack({
      ports: await freePorts(FUNCTION_NAMES),
      dataDir: await tempDir("browser-csrf"),
      env: { ALLOWED_ORIGINS: partner.origin },
      onLog: (_name, line) => logs.push(line),
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    for (const site of [attacker, partner]) site?.server.close();
    if (process.exitCode) console.log(logs.join("\n"));
  });

  async function pageOn(origin: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(origin);
    return page;
  }

  /** Runs `send` in the page and returns the status the server really answered (even when the page may not read it). */
  async function statusOf(page: Page, url: string, send: () => Promise<unknown>): Promise<number> {
    const response = page.waitForResponse(
      (r) => r.url().startsWith(url) && r.request().method() === "POST",
    );
    await send();
    return (await response).status();
  }

  const ingestJson = (text: string, id: string) =>
    fetch(`${stack.urls.ingest}/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text, namespace: "csrf", id }),
    });

  it("refuses a forged text/plain POST to ingest's /ingest, and stores nothing", async () => {
    const page = await pageOn(attacker.origin);
    const url = `${stack.urls.ingest}/ingest?namespace=csrf&id=forged-1`;
    const status = await statusOf(page, url, () =>
      page.evaluate(
        (target) =>
          fetch(target, {
            method: "POST",
            mode: "no-cors",
            headers: { "content-type": "text/plain" },
            body: "forged text one",
          }),
        url,
      ),
    );
    assert.equal(status, 403);
    const same = await acceptedOf(await ingestJson("forged text one", "forged-1"));
    assert.equal(same.duplicate, false, "the forged document had been stored");
    await page.close();
  });

  it("refuses a forged text/plain form post to the page's /api/ingest", async () => {
    const page = await pageOn(attacker.origin);
    const url = `${stack.urls.search}/api/ingest`;
    // The classic: a form with enctype text/plain whose body reads as JSON; it needs no script on the victim's side.
    const status = await statusOf(page, url, () =>
      page.evaluate((target) => {
        const form = document.createElement("form");
        form.method = "POST";
        form.action = target;
        form.enctype = "text/plain";
        const field = document.createElement("input");
        field.name = '{"text": "forged text two", "namespace": "csrf", "id": "forged-2", "x": "';
        field.value = '"}';
        form.append(field);
        document.body.append(form);
        form.submit();
      }, url),
    );
    assert.equal(status, 403);
    const same = await acceptedOf(await ingestJson("forged text two", "forged-2"));
    assert.equal(same.duplicate, false, "the forged document had been stored");
    await page.close();
  });

  it("refuses a no-cors text/plain fetch to /api/ingest from another origin", async () => {
    const page = await pageOn(attacker.origin);
    const url = `${stack.urls.search}/api/ingest`;
    const status = await statusOf(page, url, () =>
      page.evaluate(
        (target) =>
          fetch(target, {
            method: "POST",
            mode: "no-cors",
            headers: { "content-type": "text/plain" },
            body: '{"text": "forged text three", "namespace": "csrf"}',
          }),
        url,
      ),
    );
    assert.equal(status, 403);
    await page.close();
  });

  it("lets an ALLOWED_ORIGINS page write and read with CORS", async () => {
    const page = await pageOn(partner.origin);
    const answer = await page.evaluate(
      async ({ ingest, search }) => {
        const accepted = await fetch(`${ingest}/ingest`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            text: "Partner document about revisions.",
            namespace: "csrf",
            id: "partner-1",
          }),
        });
        const found = await fetch(`${search}/search`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "revisions", namespace: "csrf" }),
        });
        return {
          accepted: accepted.status,
          searched: found.status,
          acceptedBody: await accepted.json(),
        };
      },
      { ingest: stack.urls.ingest, search: stack.urls.search },
    );
    const { acceptedBody, ...statuses } = answer;
    assert.deepEqual(statuses, { accepted: 202, searched: 200 });
    assert.equal(asAccepted(acceptedBody).document_id, "partner-1");
    await page.close();
  });
});
