import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { retryAfterSeconds } from "./retry-after.ts";

describe("retryAfterSeconds", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");

  it("reads delay-seconds", () => {
    assert.equal(retryAfterSeconds("0", now), 0);
    assert.equal(retryAfterSeconds("120", now), 120);
  });

  it("reads an HTTP date as the seconds left until it, rounded up, and 0 once past", () => {
    assert.equal(retryAfterSeconds("Tue, 01 Dec 2026 12:00:30 GMT", now), 30);
    assert.equal(retryAfterSeconds("Tue, 01 Dec 2026 12:00:01 GMT", now + 200), 1);
    assert.equal(retryAfterSeconds("Tue, 01 Dec 2026 11:00:00 GMT", now), 0);
  });

  it("is undefined when absent or neither form", () => {
    assert.equal(retryAfterSeconds(null, now), undefined);
    assert.equal(retryAfterSeconds("soon", now), undefined);
    assert.equal(retryAfterSeconds("-5", now), undefined);
  });
});
