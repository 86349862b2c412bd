import assert from "node:assert/strict";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { CloudEvent } from "cloudevents";
import { silentLogger } from "../../../../test/support/silent-logger.ts";
import { tempDir } from "../../../../test/support/temp-dir.ts";
import { HttpSpoolPublisher } from "./http-spool.ts";

describe("HttpSpoolPublisher.close", () => {
  it("does not wait out the retry backoff of a delivery that failed while closing", { timeout: 20_000 }, async () => {
    let held: ServerResponse | undefined;
    let arrived!: () => void;
    const delivery = new Promise<void>((resolve) => (arrived = resolve));
    const sink = createServer((_request, response) => {
      held = response;
      arrived();
    });
    await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
    after(() => sink.close());

    const publisher = new HttpSpoolPublisher({
      sink: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`,
      spoolDir: await tempDir("spool-close"),
      logger: silentLogger,
      // A backoff longer than the test's timeout: close() must not sit it out.
      minBackoffMs: 3_600_000,
    });
    await publisher.publish(new CloudEvent({ type: "rag.test", source: "/test", data: { n: 1 } }));
    await delivery;
    const closed = publisher.close();
    held!.writeHead(503).end();
    await closed;
    assert.equal(await publisher.backlog(), 1, "the undelivered event stays in the spool for the next start");
  });
});
