import assert from "node:assert/strict";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { describe, it } from "node:test";
import { FUNCTION_NAMES, FUNCTIONS } from "../../functions/functions.ts";
import { waitFor } from "../support/wait-for.ts";
import { freePorts } from "../support/free-port.ts";
import { spawnUp } from "../support/up-process.ts";

/** This machine's first address that is not loopback: where another machine would connect. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && !a.internal && a.family === "IPv4")?.address;
}

/** Resolves true when a TCP connection to host:port is accepted, false when refused. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 5000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** `npm start` without the build step: the CLI's `up`, as a real process, until it says it runs. */
async function withUp(
  env: Record<string, string>,
  check: (ports: Record<string, number>) => Promise<void>,
): Promise<void> {
  const ports = await freePorts([...FUNCTION_NAMES, "otlp"] as const);
  const portEnv = Object.fromEntries(
    FUNCTION_NAMES.map((name) => [FUNCTIONS[name].portVariable, String(ports[name])]),
  );
  const { child, output } = await spawnUp({ ...portEnv, OTLP_PORT: String(ports.otlp), ...env });
  try {
    await waitFor(
      "`up` to report the stack running",
      () => {
        if (child.exitCode !== null)
          throw new Error(`up exited with ${child.exitCode}:\n${output.join("\n")}`);
        return output.some((line) => line.startsWith("knative-rag is running")) || undefined;
      },
      60_000,
    );
    await check(ports);
  } finally {
    const exited = once(child, "exit");
    child.kill("SIGINT");
    await exited;
  }
}

describe("npm start's bind address", {
  skip: existsSync("dist/cli.mjs") ? false : "dist/ is missing: run `node scripts/build.mjs` first",
}, () => {
  const external = externalAddress();

  it("listens on loopback only by default", {
    skip: external ? false : "this machine has no non-loopback IPv4 address",
  }, async () => {
    await withUp({}, async (ports) => {
      for (const name of FUNCTION_NAMES) {
        assert.equal(await accepts("127.0.0.1", ports[name]!), true, `${name} answers on loopback`);
        assert.equal(
          await accepts(external!, ports[name]!),
          false,
          `${name} is reachable from the network at ${external}`,
        );
      }
      assert.equal(
        await accepts(external!, ports.otlp!),
        false,
        "the OTLP receiver is reachable from the network",
      );
    });
  });

  it("listens on every interface with BIND_ADDRESS=0.0.0.0", {
    skip: external ? false : "this machine has no non-loopback IPv4 address",
  }, async () => {
    await withUp({ BIND_ADDRESS: "0.0.0.0" }, async (ports) => {
      for (const name of FUNCTION_NAMES)
        assert.equal(
          await accepts(external!, ports[name]!),
          true,
          `${name} answers at ${external}`,
        );
    });
  });
});
