import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { Hono } from "hono";
import { parseAllDocuments } from "yaml";
import { eventData, receiveCloudEvent } from "./cloudevents.ts";
import { problemResponse } from "./problems.ts";

interface ConformanceCase {
  Mode?: "binary" | "structured";
  ContextAttributes: Record<string, unknown> & { Extensions?: Record<string, string> };
  TransportExtensions?: Record<string, string>;
  Data?: string;
}

const conformanceDir = resolve(import.meta.dirname, "../../../../shared/conformance/cloudevents");
const app = new Hono();
app.post("/", async (c) => {
  const event = await receiveCloudEvent(c);
  return c.json({ attributes: event.toJSON(), data: event.data });
});
app.onError((error, c) => problemResponse(c, error));

function request(mode: "binary" | "structured", test: ConformanceCase): Request {
  const { Extensions = {}, ...attributes } = test.ContextAttributes;
  const contentType = attributes.datacontenttype as string | undefined;
  const isJson = contentType?.startsWith("application/json") ?? false;
  if (mode === "binary") {
    const headers: Record<string, string> = { ...test.TransportExtensions };
    for (const [name, value] of Object.entries({ ...attributes, ...Extensions })) {
      if (name === "datacontenttype") headers["content-type"] = String(value);
      else headers[`ce-${name}`] = value instanceof Date ? value.toISOString() : String(value);
    }
    return new Request("http://test/", { method: "POST", headers, body: test.Data ?? "" });
  }
  const body: Record<string, unknown> = { ...attributes, ...Extensions, specversion: String(attributes.specversion) };
  if (body.time instanceof Date) body.time = body.time.toISOString();
  if (test.Data !== undefined) body.data = isJson ? JSON.parse(test.Data) : test.Data;
  return new Request("http://test/", {
    method: "POST",
    headers: { "content-type": "application/cloudevents+json; charset=utf-8", ...test.TransportExtensions },
    body: JSON.stringify(body),
  });
}

describe("receiveCloudEvent: CloudEvents conformance vectors", () => {
  if (!existsSync(conformanceDir)) {
    it.skip(`conformance vectors absent (${conformanceDir})`);
    return;
  }
  for (const file of readdirSync(conformanceDir).filter((f) => f.endsWith(".yaml"))) {
    const cases = parseAllDocuments(readFileSync(join(conformanceDir, file), "utf8"))
      .map((d) => d.toJSON() as ConformanceCase | null)
      .filter((c): c is ConformanceCase => c !== null);
    cases.forEach((test, i) => {
      for (const mode of test.Mode ? [test.Mode] : (["binary", "structured"] as const)) {
        it(`${file} #${i + 1} (${test.ContextAttributes.id}) in ${mode} mode`, async () => {
          const response = await app.request(request(mode, test));
          assert.equal(response.status, 200, await response.clone().text());
          const { attributes, data } = (await response.json()) as { attributes: Record<string, unknown>; data: unknown };
          for (const name of ["id", "type", "source", "subject", "datacontenttype"]) {
            if (test.ContextAttributes[name] !== undefined) assert.equal(attributes[name], test.ContextAttributes[name], name);
          }
          assert.equal(attributes.specversion, String(test.ContextAttributes.specversion));
          // Header values cannot keep a trailing newline, so binary mode compares them trimmed.
          for (const [name, value] of Object.entries(test.ContextAttributes.Extensions ?? {})) {
            assert.equal(attributes[name], mode === "binary" ? value.trim() : value, name);
          }
          if (test.Data === undefined) return;
          const contentType = String(test.ContextAttributes.datacontenttype ?? "");
          if (contentType.startsWith("application/json")) assert.deepEqual(data, JSON.parse(test.Data));
          else assert.equal(data, test.Data);
        });
      }
    });
  }
});

describe("receiveCloudEvent: malformed events", () => {
  it("answers 400 naming the problem for a binary event without ce-id", async () => {
    const response = await app.request("http://test/", {
      method: "POST",
      headers: { "ce-specversion": "1.0", "ce-type": "t", "ce-source": "/s", "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { error: string }).error, /malformed CloudEvent.*id/);
  });

  it("answers 400 for a structured event that is not JSON", async () => {
    const response = await app.request("http://test/", { method: "POST", headers: { "content-type": "application/cloudevents+json" }, body: "{oops" });
    assert.equal(response.status, 400);
  });

  it("reads JSON data given as a string", () => {
    assert.deepEqual(eventData({ data: '{"a":1}' } as never), { a: 1 });
  });
});
