import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Redis } from "@upstash/redis";
import {
  startRedis,
  startUpstashRestShim,
  type RedisServer,
  type UpstashRestShim,
} from "./servers.ts";

// @upstash/redis itself is the judge of the protocol: its default base64 response encoding,
// pipelines, transactions and its error path on a bad token.
let redisServer: RedisServer;
let shim: UpstashRestShim;
let redis: Redis;

before(async () => {
  redisServer = await startRedis();
  shim = await startUpstashRestShim({ redisUrl: redisServer.url });
  redis = new Redis({ url: shim.url, token: shim.token, enableTelemetry: false });
});
after(async () => {
  await shim?.stop();
  await redisServer?.cleanup();
});

test("set with ex, get and ttl", async () => {
  assert.equal(await redis.set("session", "abc", { ex: 60 }), "OK");
  assert.equal(await redis.get("session"), "abc");
  const ttl = await redis.ttl("session");
  assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
});

test("values round-trip: JSON objects, unicode, strings that look like base64 or OK", async () => {
  await redis.set("doc", { documentId: "d1", chunks: 3 });
  assert.deepEqual(await redis.get("doc"), { documentId: "d1", chunks: 3 });
  for (const value of ["héllo wörld ✓", "QUJD", "OK", ""]) {
    await redis.set("text", value);
    assert.equal(await redis.get("text"), value);
  }
  assert.equal(await redis.get("missing"), null);
});

test("incr, sadd and sismember, mget", async () => {
  assert.equal(await redis.incr("counter"), 1);
  assert.equal(await redis.incr("counter"), 2);
  assert.equal(await redis.sadd("tags", "a", "b"), 2);
  assert.equal(await redis.sismember("tags", "a"), 1);
  assert.equal(await redis.sismember("tags", "z"), 0);
  await redis.set("k1", "v1");
  await redis.set("k2", "v2");
  assert.deepEqual(await redis.mget("k1", "missing", "k2"), ["v1", null, "v2"]);
});

test("a pipeline returns each command's result in order", async () => {
  const results = await redis
    .pipeline()
    .set("p1", "one")
    .incr("p-count")
    .get("p1")
    .smembers("tags")
    .exec();
  assert.equal(results[0], "OK");
  assert.equal(results[1], 1);
  assert.equal(results[2], "one");
  assert.deepEqual((results[3] as string[]).sort(), ["a", "b"]);
});

test("a transaction (multi-exec) applies all of its commands", async () => {
  const results = await redis.multi().set("t1", "x").incr("t-count").get("t1").exec();
  assert.deepEqual(results, ["OK", 1, "x"]);
});

test("a Redis error comes back as an error", async () => {
  await redis.set("not-a-number", "abc");
  await assert.rejects(redis.incr("not-a-number"), /not an integer/);
});

test("a wrong token is refused with 401", async () => {
  const res = await fetch(shim.url, {
    method: "POST",
    headers: { authorization: "Bearer wrong" },
    body: '["get","k1"]',
  });
  assert.equal(res.status, 401);
  const intruder = new Redis({
    url: shim.url,
    token: "wrong",
    retry: false,
    enableTelemetry: false,
  });
  await assert.rejects(intruder.get("k1"), /Unauthorized/);
});

test("without base64 encoding the shim answers plain strings", async () => {
  const res = await fetch(shim.url, {
    method: "POST",
    headers: { authorization: `Bearer ${shim.token}` },
    body: '["get","k1"]',
  });
  assert.deepEqual(await res.json(), { result: "v1" });
});
