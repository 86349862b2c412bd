import assert from "node:assert/strict";
import { request } from "node:http";
import { describe, it } from "node:test";
import { Hono } from "hono";
import { serveApp } from "../../../test/support/serve-app.ts";
import { bodyLimit } from "./body-limit.ts";
import { problemResponse } from "./problems.ts";

const LIMIT = 16;

function echoApp(): Hono {
  const app = new Hono();
  app.post("/text", bodyLimit(LIMIT), async (c) => c.json({ text: await c.req.text() }));
  app.post("/json", bodyLimit(LIMIT), async (c) => c.json(await c.req.json()));
  app.onError((error, c) => problemResponse(c, error));
  return app;
}

/** A POST whose body goes out in `parts`, chunked (no Content-Length), over a real socket. */
function chunkedPost(url: string, parts: Uint8Array[]): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: "POST" }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        }),
      );
    });
    sent.on("error", reject);
    for (const part of parts) sent.write(part);
    sent.end();
  });
}

describe("bodyLimit", () => {
  for (const transport of ["a real server", "app.request"] as const) {
    describe(`through ${transport}`, () => {
      const app = echoApp();
      const base = transport === "a real server" ? serveApp(app) : Promise.resolve("http://test");
      const post = async (
        path: string,
        body: string | ReadableStream,
        headers?: Record<string, string>,
      ) => {
        const init = { method: "POST", body, headers, duplex: "half" } as RequestInit;
        return transport === "a real server"
          ? fetch(`${await base}${path}`, init)
          : app.request(path, init);
      };

      it("hands text() and json() the body within the limit, a byte-order mark dropped", async () => {
        const text = await post("/text", "\uFEFFgrüße");
        assert.deepEqual(await text.json(), { text: "grüße" });
        const json = await post("/json", '{"a":[1,2]}', { "content-type": "application/json" });
        assert.deepEqual(await json.json(), { a: [1, 2] });
      });

      it("answers 413 when Content-Length says the body is too large", async () => {
        const response = await post("/text", "x".repeat(LIMIT + 1));
        assert.equal(response.status, 413);
        assert.deepEqual(await response.json(), { error: "request body is larger than 16 bytes" });
      });

      it("answers 413 for a streamed body once it passes the limit", async () => {
        const parts = ["0123456789", "0123456789"].map((s) => new TextEncoder().encode(s));
        const stream = new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        });
        const response = await post("/text", stream);
        assert.equal(response.status, 413);
      });
    });
  }

  it("answers 413 to a client still sending a large body", async () => {
    const url = await serveApp(echoApp());
    const parts = Array.from({ length: 64 }, () => new Uint8Array(16 * 1024).fill(120));
    const answer = await chunkedPost(`${url}/text`, parts);
    assert.deepEqual(answer, {
      status: 413,
      body: { error: "request body is larger than 16 bytes" },
    });
  });

  it("decodes a character split between two chunks of the socket", async () => {
    const url = await serveApp(echoApp());
    const bytes = new TextEncoder().encode("aü");
    const answer = await chunkedPost(`${url}/text`, [bytes.subarray(0, 2), bytes.subarray(2)]);
    assert.deepEqual(answer, { status: 200, body: { text: "aü" } });
  });
});
