import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as z from "zod";
import { ConfigError, parseEnv } from "./env.ts";
import { runtimeEnv } from "./runtime.ts";

describe("runtime settings", () => {
  const parse = (env: NodeJS.ProcessEnv) => parseEnv(z.object(runtimeEnv), env);

  it("listens on every interface unless BIND_ADDRESS names one", () => {
    assert.equal(parse({}).BIND_ADDRESS, undefined);
    assert.equal(parse({ BIND_ADDRESS: "" }).BIND_ADDRESS, undefined);
    assert.equal(parse({ BIND_ADDRESS: "127.0.0.1" }).BIND_ADDRESS, "127.0.0.1");
    assert.equal(parse({ BIND_ADDRESS: "::1" }).BIND_ADDRESS, "::1");
  });

  it("rejects a BIND_ADDRESS that is not an address, naming the variable", () => {
    assert.throws(
      () => parse({ BIND_ADDRESS: "eth0" }),
      (error: Error) =>
        error instanceof ConfigError &&
        /BIND_ADDRESS="eth0": expected an IP address/.test(error.message),
    );
  });
});
