import assert from "node:assert/strict";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { after, describe, it } from "node:test";
import { FUNCTION_NAMES, FUNCTIONS } from "../../functions/functions.ts";
import { freePorts } from "../support/free-port.ts";
import { spawnUp } from "../support/up-process.ts";

/** Another program's server: answers 200 to everything, health probes included. */
async function foreignServer(port: number): Promise<Server> {
  const server = createServer((_request, response) =>
    response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ready"}'),
  );
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

/** `npm start` without the build step, to its exit. */
async function runUp(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const { child, output } = await spawnUp(env);
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const [code] = (await once(child, "close")) as [number | null];
  clearTimeout(timer);
  return { code, output: output.join("\n") };
}

describe("npm start when a port is taken", {
  skip: existsSync("dist/cli.mjs") ? false : "dist/ is missing: run `node scripts/build.mjs` first",
}, () => {
  it("refuses to start, naming the port and the variable that moves it, and never reports the other server as its own", async () => {
    const ports = await freePorts([...FUNCTION_NAMES, "otlp"] as const);
    await foreignServer(ports.search);
    const env = Object.fromEntries(
      FUNCTION_NAMES.map((name) => [FUNCTIONS[name].portVariable, String(ports[name])]),
    );
    const { code, output } = await runUp({ ...env, OTLP_PORT: String(ports.otlp) });
    assert.equal(code, 1, output);
    assert.match(
      output,
      new RegExp(
        `port ${ports.search} \\(search\\) is taken by another process: stop it, or set SEARCH_PORT`,
      ),
    );
    assert.doesNotMatch(output, /knative-rag is running/);
    assert.doesNotMatch(output, /EADDRINUSE/);
  });

  it("refuses a taken OTLP_PORT instead of moving the receiver elsewhere", async () => {
    const ports = await freePorts([...FUNCTION_NAMES, "otlp"] as const);
    await foreignServer(ports.otlp);
    const env = Object.fromEntries(
      FUNCTION_NAMES.map((name) => [FUNCTIONS[name].portVariable, String(ports[name])]),
    );
    const { code, output } = await runUp({ ...env, OTLP_PORT: String(ports.otlp) });
    assert.equal(code, 1, output);
    assert.match(
      output,
      new RegExp(
        `port ${ports.otlp} \\(OTLP receiver\\) is taken by another process: stop it, or set OTLP_PORT`,
      ),
    );
    assert.doesNotMatch(output, /knative-rag is running/);
  });
});
