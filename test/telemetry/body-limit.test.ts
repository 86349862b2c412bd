import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { tempDir } from "../support/temp-dir.ts";
import { assertBuilt } from "./support/span-collector.ts";
import { startFunctionProcess, type FunctionProcess } from "../support/function-process.ts";

const CHUNK = Buffer.alloc(16 * 1024, 0x20);
const MAX_SENT = 64 * 1024 * 1024;

/**
 * POSTs a chunked body (no Content-Length) that never ends on its own, as fast as the socket
 * takes it, until the server answers or MAX_SENT bytes went out. Resolves with the status and
 * how much was sent by then.
 */
function postEndlessChunked(
  url: string,
  path: string,
  contentType: string,
): Promise<{ status: number | string; sent: number }> {
  return new Promise((resolve) => {
    const target = new URL(url);
    let sent = 0;
    let answered = false;
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: "POST",
        path,
        headers: { "content-type": contentType },
      },
      (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sent });
        req.destroy();
      },
    );
    req.on("error", (error) => resolve({ status: `error ${error.message}`, sent }));
    req.write(
      '{"specversion": "1.0", "id": "x", "source": "test", "type": "rag.document.stored", "data": "',
    );
    const pump = () => {
      while (!answered && sent < MAX_SENT) {
        sent += CHUNK.length;
        if (!req.write(CHUNK)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

// Reading a structured event's traceparent must never read past the body limit:
// the telemetry middleware's body peek used to buffer without bound and the request hung.
for (const telemetry of ["true", "false"]) {
  describe(`structured CloudEvents over the body limit get 413 at once (telemetry ${telemetry === "true" ? "on" : "off"})`, () => {
    const processes: Record<string, FunctionProcess> = {};
    before(async () => {
      assertBuilt();
      const dataDir = await tempDir("body-limit");
      const env = {
        DATA_DIR: dataDir,
        LOG_LEVEL: "warn",
        OBSERVABILITY_ENABLED: telemetry,
        OTEL_TRACES_EXPORTER: "none",
        OTEL_METRICS_EXPORTER: "none",
      };
      processes["index-document"] = await startFunctionProcess("index-document", {
        ...env,
        EMBED_URL: "http://127.0.0.1:9",
      });
      processes.ingest = await startFunctionProcess("ingest", {
        ...env,
        K_SINK: "http://127.0.0.1:9/",
        MAX_DOCUMENT_BYTES: "1000",
      });
    });
    after(async () => {
      for (const p of Object.values(processes)) await p.stop("SIGKILL");
    });

    for (const name of ["index-document", "ingest"]) {
      it(`${name}: answers 413 while the chunked body is still arriving, and stays healthy`, async () => {
        const { url } = processes[name]!;
        const result = await postEndlessChunked(url, "/", "application/cloudevents+json");
        assert.equal(result.status, 413);
        assert.ok(
          result.sent < MAX_SENT,
          `answered only after the client gave up sending (${result.sent} bytes)`,
        );
        assert.equal((await fetch(`${url}/health/liveness`)).status, 200);
      });
    }
  });
}
