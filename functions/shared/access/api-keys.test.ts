import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as z from "zod";
import { ConfigError, parseEnv } from "../config/env.ts";
import { ApiKeys, mayAccess } from "./api-keys.ts";
import { accessEnv } from "./env.ts";

const WRITER = `${"w".repeat(8)}0123456789abcdef`;
const READER = `${"r".repeat(8)}0123456789abcdef`;
const parse = (API_KEYS?: string) => parseEnv(z.object(accessEnv), { API_KEYS }).API_KEYS;

describe("API_KEYS", () => {
  it("is off when unset or empty", () => {
    assert.equal(parse(undefined).enabled, false);
    assert.equal(parse("").enabled, false);
    assert.equal(parse(" ; \n").enabled, false);
  });

  it("parses name:secret:namespaces:access entries separated by ; or newlines", () => {
    const keys = parse(`ci:${WRITER}:docs,wiki:rw;\n  page:${READER}:*:r`);
    const ci = keys.find(WRITER)!;
    assert.equal(ci.name, "ci");
    assert.deepEqual(
      [
        mayAccess(ci, "docs", "write"),
        mayAccess(ci, "wiki", "read"),
        mayAccess(ci, "other", "read"),
      ],
      [true, true, false],
    );
    const page = keys.find(READER)!;
    assert.deepEqual(
      [mayAccess(page, "anything", "read"), mayAccess(page, "anything", "write")],
      [true, false],
    );
    assert.equal(keys.find("x".repeat(24)), undefined);
    assert.equal(keys.find(""), undefined);
    assert.equal(
      keys.find(WRITER.slice(0, -1)),
      undefined,
      "a prefix of a secret is not the secret",
    );
  });

  for (const [spec, message] of [
    [`ci:${WRITER}:docs`, /entry 1: expected name:secret:namespaces:access/],
    [`ci:short:docs:rw`, /entry 1: key "ci": secret must be at least 16 characters/],
    [`ci:${WRITER}:Docs:rw`, /entry 1: key "ci": namespace "Docs" must match/],
    [`ci:${WRITER}:docs:admin`, /entry 1: key "ci": access must be r, w or rw, got "admin"/],
    [`ci:${WRITER}:docs:rw;ci:${READER}:docs:r`, /entry 2: key "ci" is listed twice/],
    [`a:${WRITER}:*:rw;b:${WRITER}:*:r`, /entry 2: key "b" has the same secret as key "a"/],
    [`bad name:${WRITER}:*:rw`, /entry 1: name must be/],
  ] as const) {
    it(`fails start-up on ${JSON.stringify(spec.replaceAll(WRITER, "…"))}, naming the variable and never a secret`, () => {
      assert.throws(
        () => parse(spec),
        (error: Error) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /API_KEYS=\(set, value not shown\): /);
          assert.match(error.message, message);
          assert.ok(
            !error.message.includes(WRITER.slice(8)) && !error.message.includes("short"),
            `a secret leaked: ${error.message}`,
          );
          return true;
        },
      );
    });
  }

  it("finds each key by its own secret", () => {
    const keys = new ApiKeys([
      { name: "a", secret: WRITER, namespaces: "*", read: true, write: true },
      { name: "b", secret: READER, namespaces: "*", read: true, write: false },
    ]);
    assert.equal(keys.find(WRITER)?.name, "a");
    assert.equal(keys.find(READER)?.name, "b");
  });
});
