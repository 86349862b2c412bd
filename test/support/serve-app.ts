import type { AddressInfo } from "node:net";
import { after } from "node:test";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

/** Serves a Hono app over real HTTP on a free loopback port until the end of the test file; its base URL. */
export async function serveApp(app: Hono): Promise<string> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
