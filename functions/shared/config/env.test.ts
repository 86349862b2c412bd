import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as z from "zod";
import { boolVar, ConfigError, enumVar, intVar, optionalUrl, parseEnv } from "./env.ts";
import { runtimeEnv } from "./runtime.ts";

const schema = z.object({
  ...runtimeEnv,
  FLAG: boolVar(false),
  MODE: enumVar(["a", "b"], "a"),
  SINK: optionalUrl(),
  N: intVar(3, 1, 10),
});

describe("parseEnv", () => {
  it("applies defaults, treating empty strings as unset", () => {
    const config = parseEnv(schema, { PORT: "", FLAG: "" });
    assert.equal(config.PORT, 8080);
    assert.equal(config.FLAG, false);
    assert.equal(config.MODE, "a");
    assert.equal(config.N, 3);
  });

  it("coerces values", () => {
    const config = parseEnv(schema, {
      PORT: "9000",
      FLAG: "true",
      MODE: "b",
      SINK: "http://x:1/",
      N: "10",
    });
    assert.deepEqual(
      [config.PORT, config.FLAG, config.MODE, config.SINK, config.N],
      [9000, true, "b", "http://x:1/", 10],
    );
  });

  it("fails with a message naming every bad variable and its value", () => {
    assert.throws(
      () => parseEnv(schema, { PORT: "eighty", MODE: "c", SINK: "not a url", N: "11" }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const part of ['PORT="eighty"', 'MODE="c"', 'SINK="not a url"', 'N="11"'])
          assert.match(error.message, new RegExp(part));
        return true;
      },
    );
  });

  it("never prints the value of a variable named like a secret", () => {
    const secrets = z.object({
      OPENAI_API_KEY: intVar(1),
      REST_TOKEN: intVar(1),
      LLM_MAX_TOKENS: intVar(1),
    });
    assert.throws(
      () =>
        parseEnv(secrets, {
          OPENAI_API_KEY: "sk-live-123",
          REST_TOKEN: "t0ken",
          LLM_MAX_TOKENS: "many",
        }),
      (error: Error) => {
        assert.match(error.message, /OPENAI_API_KEY=\(set, value not shown\)/);
        assert.match(error.message, /REST_TOKEN=\(set, value not shown\)/);
        assert.match(error.message, /LLM_MAX_TOKENS="many"/, "a count of tokens is not a secret");
        assert.ok(!error.message.includes("sk-live-123") && !error.message.includes("t0ken"));
        return true;
      },
    );
  });

  it("compiles no code for the one parse of the environment (zod's jit costs start-up time)", () => {
    const fresh = z.object({ ...runtimeEnv, N: intVar(3, 1, 10) });
    const original = globalThis.Function;
    let compiled = 0;
    globalThis.Function = new Proxy(original, {
      construct(target, args) {
        compiled++;
        return Reflect.construct(target, args);
      },
    });
    try {
      parseEnv(fresh, { PORT: "9000", N: "4" });
    } finally {
      globalThis.Function = original;
    }
    assert.equal(compiled, 0);
  });
});
