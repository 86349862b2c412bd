import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { ingestPaths } from "./commands/ingest.ts";
import { fetchComingBack } from "./retry-after.ts";

/** A server answering the given statuses in turn (then 202), as ingest under backpressure does. */
async function answering(
  statuses: number[],
  retryAfter = "0",
): Promise<{ url: string; seen: number[]; server: Server }> {
  const seen: number[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const status = statuses[seen.length] ?? 202;
      seen.push(status);
      if (status !== 202) response.setHeader("retry-after", retryAfter);
      response.writeHead(status, { "content-type": "application/json" });
      response.end(
        JSON.stringify(
          status === 202 ? { document_id: "d", duplicate: false } : { error: "backlog full" },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

describe("fetchComingBack", () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it("waits out 503 and 429 as Retry-After asks, then returns the answer", async () => {
    const { url, seen, server } = await answering([503, 429]);
    servers.push(server);
    const waits: number[] = [];
    const response = await fetchComingBack(
      url,
      { method: "POST", body: "{}" },
      { onWait: (_status, ms) => waits.push(ms) },
    );
    assert.equal(response.status, 202);
    assert.deepEqual(seen, [503, 429, 202]);
    assert.deepEqual(waits, [0, 0]);
  });

  it("gives the last answer back once the attempts are spent, and never retries other errors", async () => {
    const busy = await answering([503, 503, 503]);
    const bad = await answering([400]);
    servers.push(busy.server, bad.server);
    assert.equal(
      (await fetchComingBack(busy.url, { method: "POST" }, { attempts: 2 })).status,
      503,
    );
    assert.deepEqual(busy.seen, [503, 503]);
    assert.equal((await fetchComingBack(bad.url, { method: "POST" })).status, 400);
    assert.deepEqual(bad.seen, [400]);
  });

  it("caps a long Retry-After at maxWaitMs", async () => {
    const { url, server } = await answering([503], "3600");
    servers.push(server);
    const waits: number[] = [];
    await fetchComingBack(url, {}, { maxWaitMs: 1, onWait: (_s, ms) => waits.push(ms) });
    assert.deepEqual(waits, [1]);
  });

  it("lets `ingest` finish a document that met backpressure instead of failing it", async () => {
    const { url, seen, server } = await answering([503, 503]);
    servers.push(server);
    const result = await ingestPaths(["README.md"], {
      ingestUrl: url,
      namespace: "docs",
      quiet: true,
    });
    assert.deepEqual(result, { accepted: 1, duplicates: 0, failed: [] });
    assert.deepEqual(seen, [503, 503, 202]);
  });
});
