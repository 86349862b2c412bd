import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import { startRedis, type RedisServer } from "./servers.ts";

let server: RedisServer;
before(async () => {
  server = await startRedis();
});
after(() => server?.cleanup());

test("redis answers on its loopback url", async () => {
  assert.match(server.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
  const redis = new Redis(server.url);
  try {
    assert.equal(await redis.set("greeting", "hello"), "OK");
    assert.equal(await redis.get("greeting"), "hello");
  } finally {
    redis.disconnect();
  }
});

test("stop() then start() keeps the port and the keys, and a client reconnects by itself", async () => {
  const redis = new Redis(server.url);
  try {
    await redis.set("kept", "yes");
    await server.stop();
    await server.start();
    assert.equal(await redis.get("kept"), "yes");
  } finally {
    redis.disconnect();
  }
});
