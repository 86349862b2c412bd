import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { Hono } from "hono";
import { parseAllDocuments } from "yaml";
import { eventData, receiveCloudEvent } from "./cloudevents.ts";
import { problemResponse } from "./problems.ts";
import { problemOf } from "../../../test/support/response-bodies.ts";

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
app.post("/data", async (c) => c.json({ data: eventData(await receiveCloudEvent(c)) }));
app.onError((error, c) => problemResponse(c, error));

/** YAML reads `specversion: 1.0` as the number 1; the attribute is the string "1.0". */
const specVersion = (value: unknown) =>
  typeof value === "number" ? value.toFixed(1) : String(value);

function request(mode: "binary" | "structured", test: ConformanceCase): Request {
  const { Extensions = {}, ...rest } = test.ContextAttributes;
  const attributes: Record<string, unknown> = {
    ...rest,
    specversion: specVersion(rest.specversion),
  };
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
  const body: Record<string, unknown> = { ...attributes, ...Extensions };
  if (body.time instanceof Date) body.time = body.time.toISOString();
  if (test.Data !== undefined) body.data = isJson ? JSON.parse(test.Data) : test.Data;
  return new Request("http://test/", {
    method: "POST",
    headers: {
      "content-type": "application/cloudevents+json; charset=utf-8",
      ...test.TransportExtensions,
    },
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
          const { attributes, data } = (await response.json()) as {
            attributes: Record<string, unknown>;
            data: unknown;
          };
          for (const name of ["id", "type", "source", "subject", "datacontenttype"]) {
            if (test.ContextAttributes[name] !== undefined)
              assert.equal(attributes[name], test.ContextAttributes[name], name);
          }
          assert.equal(attributes.specversion, specVersion(test.ContextAttributes.specversion));
          // Header values cannot keep a trailing newline, so binary mode compares them trimmed.
          for (const [name, value] of Object.entries(test.ContextAttributes.Extensions ?? {})) {
            assert.equal(attributes[name], mode === "binary" ? value.trim() : value, name);
          }
          if (test.Data === undefined) return;
          const contentType = String(test.ContextAttributes.datacontenttype ?? "");
          if (contentType.startsWith("application/json"))
            assert.deepEqual(data, JSON.parse(test.Data));
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
      headers: {
        "ce-specversion": "1.0",
        "ce-type": "t",
        "ce-source": "/s",
        "content-type": "application/json",
      },
      body: "{}",
    });
    assert.equal(response.status, 400);
    const problem = await problemOf(response);
    assert.match(problem.error, /malformed CloudEvent.*id/);
  });

  it("answers 400 for a structured event that is not JSON", async () => {
    const response = await app.request("http://test/", {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json" },
      body: "{oops",
    });
    assert.equal(response.status, 400);
  });

  it("reads JSON data given as a string", () => {
    assert.deepEqual(eventData({ data: '{"a":1}' } as never), { a: 1 });
  });

  const structured = (event: Record<string, unknown>, path = "/") =>
    app.request(`http://test${path}`, {
      method: "POST",
      headers: { "content-type": "application/cloudevents+json" },
      body: JSON.stringify(event),
    });
  const binary = (headers: Record<string, string>) =>
    app.request("http://test/", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: "{}",
    });
  const valid = { specversion: "1.0", id: "e-1", source: "/s", type: "t", data: {} };
  const rejected = async (response: Response, pattern: RegExp) => {
    assert.equal(response.status, 400);
    const problem = await problemOf(response);
    assert.match(problem.error, pattern);
  };

  it("answers 400 for a structured event without id, source, type or specversion (no invented id)", async () => {
    for (const name of ["id", "source", "type", "specversion"] as const) {
      const { [name]: _, ...event } = valid;
      await rejected(await structured(event), new RegExp(name));
    }
  });

  it("answers 400 for a specversion other than 1.0 or 0.3, in both modes", async () => {
    for (const specversion of ["2.0", "", "1", "0.2"]) {
      await rejected(
        await structured({ ...valid, specversion }),
        /specversion must be one of "1.0", "0.3"/,
      );
      if (specversion)
        await rejected(
          await binary({
            "ce-specversion": specversion,
            "ce-id": "e",
            "ce-source": "/s",
            "ce-type": "t",
          }),
          /specversion/,
        );
    }
  });

  it("answers 400 for a time that is not an RFC 3339 timestamp, in both modes", async () => {
    for (const time of ["yesterday", "2026-13-45T00:00:00Z", "2026-12-01", "1764547200"]) {
      await rejected(await structured({ ...valid, time }), /time must be an RFC 3339 timestamp/);
      await rejected(
        await binary({
          "ce-specversion": "1.0",
          "ce-id": "e",
          "ce-source": "/s",
          "ce-type": "t",
          "ce-time": time,
        }),
        /time must be an RFC 3339 timestamp/,
      );
    }
    assert.equal(
      (await structured({ ...valid, time: "2026-12-01T03:04:05.123+01:00" })).status,
      200,
    );
  });

  it("decodes data_base64, and refuses an event with both data and data_base64", async () => {
    const { data: _, ...attributes } = valid;
    const data_base64 = Buffer.from(JSON.stringify({ text: "héllo" })).toString("base64");
    const response = await structured(
      { ...attributes, datacontenttype: "application/json", data_base64 },
      "/data",
    );
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await response.json(), { data: { text: "héllo" } });
    await rejected(await structured({ ...valid, data_base64 }), /data or data_base64, not both/);
    await rejected(
      await structured({ ...attributes, data_base64: "not base64!" }),
      /data_base64 must be a base64 string/,
    );
  });
});
