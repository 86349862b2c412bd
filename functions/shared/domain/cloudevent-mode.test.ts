import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cloudEventMode } from "./cloudevent-mode.ts";

describe("cloudEventMode", () => {
  it("is binary when a ce-specversion header holds the attributes", () => {
    const headers = new Headers({ "CE-SpecVersion": "1.0", "content-type": "application/json" });
    assert.equal(cloudEventMode(headers), "binary");
  });

  it("is structured for application/cloudevents+json in any case, with parameters", () => {
    for (const type of [
      "application/cloudevents+json",
      "Application/CloudEvents+JSON; charset=UTF-8",
    ])
      assert.equal(cloudEventMode(new Headers({ "content-type": type })), "structured", type);
  });

  it("is undefined for a plain request", () => {
    assert.equal(cloudEventMode(new Headers({ "content-type": "application/json" })), undefined);
    assert.equal(cloudEventMode(new Headers()), undefined);
  });
});
