import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { cacheContract } from "../../../functions/shared/backends/cache/cache.contract.ts";
import { UpstashCache } from "../../../functions/shared/backends/cache/upstash.ts";
import { indexStateContract } from "../../../functions/shared/backends/index-state/index-state.contract.ts";
import { UpstashIndexState } from "../../../functions/shared/backends/index-state/upstash.ts";
import { createUpstashClient } from "../../../functions/shared/backends/upstash/client.ts";
import { waitFor } from "../../support/wait-for.ts";
import {
  startRedis,
  startUpstashRestShim,
  type RedisServer,
  type UpstashRestShim,
} from "../servers.ts";

const redis: RedisServer = await startRedis();
const shim: UpstashRestShim = await startUpstashRestShim({ redisUrl: redis.url });
after(async () => {
  await shim.stop();
  await redis.cleanup();
});
const client = () => createUpstashClient({ url: shim.url, token: shim.token, timeoutMs: 2000 });

cacheContract("upstash", async () => new UpstashCache(client()));
indexStateContract("upstash", async () => ({
  writer: new UpstashIndexState(client()),
  reader: new UpstashIndexState(client()),
}));

describe("Upstash index state and cache under load and outage", () => {
  it("bumps a generation atomically from many writers at once (INCR)", async () => {
    const writers = Array.from({ length: 5 }, () => new UpstashIndexState(client()));
    await Promise.all(
      writers.flatMap((w) => Array.from({ length: 4 }, () => w.bumpGeneration("concurrent"))),
    );
    assert.equal(await writers[0]!.generation("concurrent"), 20);
  });

  it("fails fast while Redis is down, and works again once it is back", async () => {
    const state = new UpstashIndexState(client());
    const cache = new UpstashCache(client());
    await redis.stop();
    const began = performance.now();
    await assert.rejects(state.generation("outage"));
    await assert.rejects(cache.get("outage"));
    await assert.rejects(state.ready());
    const failedMs = performance.now() - began;
    console.log(`redis down: three calls rejected in ${Math.round(failedMs)} ms`);
    assert.ok(failedMs < 15_000);
    await redis.start();
    await waitFor(
      "the index state to be ready again",
      () =>
        state.ready().then(
          () => true,
          () => false,
        ),
      10_000,
      200,
    );
    assert.equal(await state.bumpGeneration("outage"), 1);
  });
});
