import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HTTPException } from "hono/http-exception";
import { silentLogger } from "../../../test/support/silent-logger.ts";
import { createFunctionApp } from "./function-app.ts";
import { HttpProblem, type Problem } from "./problems.ts";

describe("error answers", () => {
  const app = createFunctionApp({ logger: silentLogger, maxBodyBytes: 1024 });
  app.get("/hono", () => {
    throw new HTTPException(418, { message: "short and stout" });
  });
  app.get("/problem", () => {
    throw new HttpProblem(400, "invalid query", [{ path: "top_k", message: "too large" }]);
  });
  app.get("/bug", () => {
    throw new Error("/srv/secret/path is broken");
  });

  it("answers any HTTPException Hono throws with its status and a JSON problem", async () => {
    const response = await app.request("/hono");
    assert.equal(response.status, 418);
    assert.deepEqual(await response.json(), { error: "short and stout" } satisfies Problem);
  });

  it("adds the issues of a validation problem", async () => {
    const response = await app.request("/problem");
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: "invalid query",
      issues: [{ path: "top_k", message: "too large" }],
    } satisfies Problem);
  });

  it("answers anything else 500 without its message", async () => {
    const response = await app.request("/bug");
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { error: "internal error", retryable: true });
  });
});
