import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Hono } from "hono";
import { bodyLimit } from "./body-limit.ts";
import { receiveCloudEvent } from "./cloudevents.ts";
import { problemResponse } from "./problems.ts";
import { receivedAttributes } from "./received-event.ts";

const LIMIT = 1024;
const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

/** Telemetry's read (before the route) and the route's, as a function app composes them. */
function eventApp(bodyRead?: () => boolean) {
  const seen: Array<{ attributes: Record<string, unknown> | undefined; bodyRead?: boolean }> = [];
  const app = new Hono();
  app.use("*", async (c, next) => {
    seen.push({ attributes: await receivedAttributes(c, LIMIT), bodyRead: bodyRead?.() });
    await next();
  });
  app.post("/", bodyLimit(LIMIT), async (c) => {
    const event = await receiveCloudEvent(c);
    return c.json({ id: event.id, data: event.data });
  });
  app.onError((error, c) => problemResponse(c, error));
  return { app, seen };
}

const expectedAttributes = {
  specversion: "1.0",
  id: "e2",
  source: "/test",
  type: "rag.test",
  traceparent: TRACEPARENT,
};

describe("a request's CloudEvent", () => {
  it("is parsed once, for telemetry and the route alike", async () => {
    const { app, seen } = eventApp();
    const body = JSON.stringify({
      specversion: "1.0",
      id: "e1",
      source: "/test",
      type: "rag.test",
      traceparent: TRACEPARENT,
      data: { text: "hello" },
    });
    const parse = JSON.parse;
    let parses = 0;
    JSON.parse = (text: string, reviver?: Parameters<typeof parse>[1]) => {
      if (text === body) parses++;
      return parse(text, reviver);
    };
    let response: Response;
    try {
      response = await app.request("/", {
        method: "POST",
        headers: { "content-type": "application/cloudevents+json" },
        body,
      });
    } finally {
      JSON.parse = parse;
    }
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { id: "e1", data: { text: "hello" } });
    assert.equal(seen[0]?.attributes?.traceparent, TRACEPARENT);
    assert.equal(parses, 1);
  });

  it("of a binary event gives telemetry its ce-* headers without reading the body", async () => {
    let pulled = false;
    const { app, seen } = eventApp(() => pulled);
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled = true;
          controller.enqueue(new TextEncoder().encode('{"text":"hello"}'));
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const response = await app.request("/", {
      method: "POST",
      headers: {
        "ce-specversion": "1.0",
        "ce-id": "e2",
        "ce-source": "/test",
        "ce-type": "rag.test",
        "ce-traceparent": TRACEPARENT,
        "content-type": "application/json",
      },
      body,
      duplex: "half",
    } as RequestInit);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { id: "e2", data: { text: "hello" } });
    assert.deepEqual(seen, [{ attributes: expectedAttributes, bodyRead: false }]);
  });

  it("past the limit is not read for telemetry, and the route answers 413", async () => {
    const { app, seen } = eventApp();
    const response = await app.request("/", {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json" },
      body: JSON.stringify({
        specversion: "1.0",
        id: "e3",
        source: "/test",
        type: "rag.test",
        data: "x".repeat(2 * LIMIT),
      }),
    });
    assert.equal(response.status, 413);
    assert.deepEqual(
      seen.map((s) => s.attributes),
      [undefined],
    );
  });
});
