import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { CloudEvent } from "cloudevents";
import { freePort } from "../../test/support/free-port.ts";
import { deliver, type DeliveryPolicy } from "./delivery.ts";

const policy: DeliveryPolicy = { retry: 3, backoffDelayMs: 10, timeoutMs: 2000 };
const event = new CloudEvent({
  type: "rag.document.stored",
  source: "/test",
  subject: "doc-1",
  datacontenttype: "application/json",
  data: { document_id: "doc-1" },
});

describe("deliver (KafkaSource delivery rules over real HTTP)", async () => {
  const script: { status: number; headers?: Record<string, string> }[] = [];
  const seen: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (c: Buffer) => (body += c.toString()));
    request.on("end", () => {
      seen.push({ headers: request.headers, body });
      const next = script.shift() ?? { status: 202 };
      response.writeHead(next.status, next.headers).end(`answer ${next.status}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  after(() => new Promise<void>((r) => server.close(() => r())));
  const sink = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const waits: number[] = [];
  const wait = async (ms: number) => void waits.push(ms);
  const run = (steps: typeof script) => {
    script.splice(0, script.length, ...steps);
    seen.length = 0;
    waits.length = 0;
    return deliver(
      sink,
      event,
      { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
      policy,
      wait,
    );
  };

  it("posts binary mode with the trace header and stops at the first 2xx", async () => {
    assert.deepEqual(await run([{ status: 200 }]), { ok: true, status: 200, attempts: 1 });
    assert.equal(seen[0]!.headers["ce-id"], event.id);
    assert.equal(
      seen[0]!.headers.traceparent,
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    );
    assert.deepEqual(JSON.parse(seen[0]!.body), { document_id: "doc-1" });
  });

  it("retries 5xx, 404, 408, 409 and 429 with the dispatcher's exponential backoff (delay·2^n before retry n)", async () => {
    const result = await run([{ status: 500 }, { status: 404 }, { status: 408 }, { status: 202 }]);
    assert.deepEqual(result, { ok: true, status: 202, attempts: 4 });
    assert.deepEqual(waits, [20, 40, 80]);
    assert.equal(
      (await run([{ status: 409 }, { status: 429 }, { status: 503 }, { status: 200 }])).attempts,
      4,
    );
  });

  it("never retries another 4xx, and hands back the status and body", async () => {
    const result = await run([{ status: 400 }]);
    assert.equal(result.ok, false);
    assert.deepEqual(
      [
        result.attempts,
        (result as { status: number }).status,
        (result as { body: Buffer }).body.toString(),
      ],
      [1, 400, "answer 400"],
    );
    assert.equal((await run([{ status: 422 }])).attempts, 1);
  });

  it("gives up after retry + 1 attempts", async () => {
    const result = await run([
      { status: 503 },
      { status: 503 },
      { status: 503 },
      { status: 503 },
      { status: 200 },
    ]);
    assert.deepEqual([result.ok, result.attempts, waits.length], [false, 4, 3]);
  });

  it("ignores Retry-After, as the KafkaSource's dispatcher does: the backoff alone sets the wait", async () => {
    await run([
      { status: 429, headers: { "retry-after": "0.2" } },
      { status: 503, headers: { "retry-after": "3600" } },
      { status: 200 },
    ]);
    assert.deepEqual(waits, [20, 40]);
  });

  it("retries when the sink cannot be reached, with the error and no status", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/`;
    const result = await deliver(closed, event, {}, { ...policy, retry: 1 }, wait);
    assert.equal(result.ok, false);
    assert.equal(result.attempts, 2);
    assert.equal((result as { status?: number }).status, undefined);
  });
});
