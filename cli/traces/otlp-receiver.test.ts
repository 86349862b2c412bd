import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { startOtlpReceiver, type OtlpReceiver } from "./otlp-receiver.ts";
import { TraceStore } from "./trace-store.ts";
import { formatTraceTree } from "./trace-tree.ts";
import { problemOf } from "../../test/support/response-bodies.ts";

const TRACE = "5b8efff798038103d269b633813fc60c";

function span(
  spanId: string,
  name: string,
  parentSpanId: string | undefined,
  startMs: number,
  durationMs: number,
  extra: Record<string, unknown> = {},
) {
  const nanos = (ms: number) => (BigInt(1_700_000_000_000 + ms) * 1_000_000n).toString();
  return {
    traceId: TRACE,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    kind: 2,
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(startMs + durationMs),
    attributes: [],
    status: { code: 0 },
    ...extra,
  };
}

function exportRequest(service: string, spans: unknown[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: "t" }, spans }],
      },
    ],
  };
}

describe("the local OTLP/HTTP receiver", () => {
  let receiver: OtlpReceiver;
  let store: TraceStore;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "knative-rag-receiver-"));
    store = new TraceStore(dir);
    receiver = await startOtlpReceiver({ store, port: 0 });
  });
  after(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  const send = (
    path: string,
    body: RequestInit["body"],
    headers: Record<string, string> = { "content-type": "application/json" },
  ) => fetch(`${receiver.url}${path}`, { method: "POST", headers, body });

  it("stores OTLP/JSON spans by trace, plain or gzipped, from several services", async () => {
    const ingest = exportRequest("ingest", [
      span("1111111111111111", "POST /ingest", undefined, 0, 50, {
        attributes: [
          { key: "faas.coldstart", value: { boolValue: true } },
          { key: "http.response.status_code", value: { intValue: "202" } },
        ],
      }),
      span("2222222222222222", "messaging.publish", "1111111111111111", 10, 5, {
        kind: "SPAN_KIND_PRODUCER",
      }),
    ]);
    const indexer = exportRequest("index-document", [
      span("3333333333333333", "POST /", "2222222222222222", 20, 40, {
        links: [{ traceId: "11111111111111111111111111111111", spanId: "2222222222222222" }],
      }),
      // protobuf-style JSON ids (base64) decode to the same hex
      span(
        Buffer.from("4444444444444444", "hex").toString("base64"),
        "db.insert",
        "3333333333333333",
        30,
        2,
        { status: { code: 2, message: "boom" } },
      ),
    ]);
    assert.equal((await send("/v1/traces", JSON.stringify(ingest))).status, 200);
    const gzipped = await send("/v1/traces", new Uint8Array(gzipSync(JSON.stringify(indexer))), {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    assert.equal(gzipped.status, 200);

    const spans = await store.read(TRACE);
    assert.equal(spans.length, 4);
    const publish = spans.find((s) => s.name === "messaging.publish")!;
    assert.equal(publish.kind, "producer");
    assert.equal(publish.duration_ms, 5);
    const insert = spans.find((s) => s.name === "db.insert")!;
    assert.equal(insert.span_id, "4444444444444444");
    assert.equal(insert.status, "error");
    assert.deepEqual(await store.recent(5), [TRACE]);

    const table = formatTraceTree(TRACE, spans);
    assert.match(table, /4 spans, 2 services, 60\.0 ms/);
    assert.match(table, /ingest\s+POST \/ingest\s+50\.0 ms\s+\+0\.0 ms\s+server, cold start, 202/);
    assert.match(table, /ingest\s+└─ messaging\.publish\s+5\.0 ms/);
    assert.match(
      table,
      /index-document\s+└─ POST \/\s+40\.0 ms\s+\+20\.0 ms\s+server, link → 1{32}/,
    );
    assert.match(
      table,
      /index-document\s+└─ db\.insert\s+2\.0 ms\s+\+30\.0 ms\s+server, error: boom/,
    );
  });

  it("marks a span whose parent never arrived", async () => {
    const lonely = exportRequest("search", [
      span("5555555555555555", "POST /search", "6666666666666666", 0, 3),
    ]);
    const other = "6b8efff798038103d269b633813fc60c";
    const body = JSON.stringify(lonely).replaceAll(TRACE, other);
    assert.equal((await send("/v1/traces", body)).status, 200);
    assert.match(
      formatTraceTree(other, await store.read(other)),
      /parent 6666666666666666 not in this trace/,
    );
  });

  it("answers what it cannot decode with a 4xx that says why", async () => {
    const protobuf = await send("/v1/traces", new Uint8Array([10, 0]), {
      "content-type": "application/x-protobuf",
    });
    assert.equal(protobuf.status, 415);
    assert.match((await problemOf(protobuf)).error, /OTLP\/JSON/);
    const garbage = await send("/v1/traces", "{not json");
    assert.equal(garbage.status, 400);
    const wrongShape = await send(
      "/v1/traces",
      JSON.stringify({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "xyz", spanId: "1" }] }] }],
      }),
    );
    assert.equal(wrongShape.status, 400);
    assert.match((await problemOf(wrongShape)).error, /traceId/);
    const route = await fetch(`${receiver.url}/v1/logs`, { method: "POST" });
    assert.equal(route.status, 404);
  });

  it("keeps each service's latest metrics", async () => {
    const metrics = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "embed" } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: "faas.invocations",
                  unit: "{invocation}",
                  sum: { dataPoints: [{ attributes: [], asDouble: 3 }] },
                },
              ],
            },
          ],
        },
      ],
    };
    assert.equal((await send("/v1/metrics", JSON.stringify(metrics))).status, 200);
    const { readFile } = await import("node:fs/promises");
    const stored = JSON.parse(await readFile(join(store.dir, "metrics", "embed.json"), "utf8")) as {
      name: string;
      points: { value: number }[];
    }[];
    assert.equal(stored[0]?.name, "faas.invocations");
    assert.equal(stored[0]?.points[0]?.value, 3);
  });
});
