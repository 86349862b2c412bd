import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { silentLogger } from "../../../test/support/silent-logger.ts";
import type { Adapter } from "./dependencies.ts";
import { healthRoutes } from "./health.ts";

const close = async () => {};
const up: Adapter = { ready: async () => {}, close };
const down: Adapter = {
  ready: async () => {
    throw new Error("connect ECONNREFUSED 10.0.0.7:6379");
  },
  close,
};

describe("health routes", () => {
  it("answer liveness without asking any dependency", async () => {
    const app = healthRoutes({ dependencies: { store: down }, logger: silentLogger });
    for (const path of ["/health/liveness", "/livez"]) {
      const response = await app.request(path);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: "ok" });
    }
  });

  it("answer readiness from the declared dependencies, leaving out optional ones", async () => {
    const app = healthRoutes({
      dependencies: {
        vectorStore: up,
        indexState: up,
        cache: { adapter: down, optional: true },
        answerer: { close },
      },
      logger: silentLogger,
    });
    for (const path of ["/health/readiness", "/readyz"]) {
      const response = await app.request(path);
      assert.equal(response.status, 200);
      assert.equal(
        await response.text(),
        JSON.stringify({ status: "ready", checks: { vectorStore: "ok", indexState: "ok" } }),
      );
    }
  });

  it("answer 503 naming the dependency that is not ready", async () => {
    const app = healthRoutes({
      dependencies: { objectStore: down, publisher: { adapter: up, after: ["objectStore"] } },
      logger: silentLogger,
    });
    const response = await app.request("/readyz");
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), {
      status: "not ready",
      checks: { objectStore: "unavailable", publisher: "ok" },
    });
  });

  it("answer ready with no checks when nothing can say", async () => {
    const app = healthRoutes({
      dependencies: { embedder: { close }, cache: { adapter: up, optional: true } },
      logger: silentLogger,
    });
    const response = await app.request("/health/readiness");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: "ready", checks: {} });
  });
});
