import assert from "node:assert/strict";
import { HTTP, type CloudEvent } from "cloudevents";
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FunctionName } from "../../../functions/functions.ts";
import { startEventSink } from "../../support/event-sink.ts";
import { waitFor } from "../../support/wait-for.ts";
import { startSpanCollector, type SpanCollector } from "./span-collector.ts";
import type { FunctionProcess } from "../../support/function-process.ts";

/** How the suite starts a function: as a bare process, or as its image in a container. */
export interface Launcher {
  /** Shown in the suite's title. */
  what: string;
  /** Throws when the functions cannot be started (not built). */
  prepare(): void | Promise<void>;
  start(name: FunctionName, env: Record<string, string>): Promise<FunctionProcess>;
}

// Each function started as Knative starts it (PORT, K_SERVICE, K_REVISION, K_CONFIGURATION), then
// sent SIGTERM while a request's body is still arriving: the request is answered, the process
// exits 0, and its spans and metrics leave in the shutdown flush (nothing is exported on a timer).
// The callers: test/telemetry/runtime-contract.test.ts (processes), test/cluster/images (images).
// Call it at a file's top level.
export const runtimeContractSuite = (launcher: Launcher, options: { skip?: string | false } = {}) =>
  describe(
    `Knative runtime contract (${launcher.what}): PORT, K_* names, SIGTERM drain with no lost request or span`,
    options,
    () => {
      let collector: SpanCollector;
      let dataDir: string;
      const functions: Partial<Record<string, FunctionProcess>> = {};
      let storedEvent: string;
      let sink: Awaited<ReturnType<typeof startEventSink>> | undefined;

      const start = (name: FunctionName, env: Record<string, string> = {}) =>
        launcher.start(name, {
          DATA_DIR: dataDir,
          K_SERVICE: name,
          K_REVISION: `${name}-00042`,
          K_CONFIGURATION: name,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: "600000",
          OTEL_METRIC_EXPORT_INTERVAL: "600000",
          ...env,
        });

      before(async () => {
        await launcher.prepare();
        dataDir = await mkdtemp(join(tmpdir(), "knative-rag-runtime-contract-"));
        collector = await startSpanCollector(dataDir);
        const events = (sink = await startEventSink());
        functions.embed = await start("embed");
        const embedUrl = functions.embed.url;
        functions["index-document"] = await start("index-document", { EMBED_URL: embedUrl });
        functions.search = await start("search", { EMBED_URL: embedUrl });
        functions.ingest = await start("ingest", { K_SINK: events.url });

        // A real rag.document.stored event (structured mode) for index-document to receive.
        const accepted = await fetch(`${functions.ingest.url}/ingest`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            text: "Knative sends SIGTERM after the queue-proxy drained the pod.",
            id: "drain",
          }),
        });
        assert.equal(accepted.status, 202);
        const delivered = await waitFor("the stored event", () => events.received[0]);
        storedEvent = HTTP.structured(
          HTTP.toEvent({ headers: delivered.headers, body: delivered.body }) as CloudEvent<unknown>,
        ).body as string;
      });
      after(async () => {
        for (const fn of Object.values(functions)) await fn?.stop("SIGKILL");
        await collector?.receiver.close();
        await sink?.close();
        await rm(dataDir, { recursive: true, force: true });
      });

      // Stopped in this order, so a function's callee (embed) is still there while it drains.
      const cases: {
        name: FunctionName;
        path: string;
        contentType: string;
        body: () => string;
        status: number;
        route: string;
      }[] = [
        {
          name: "ingest",
          path: "/ingest",
          contentType: "application/json",
          body: () => '{"text": "in flight during shutdown"}',
          status: 202,
          route: "POST /ingest",
        },
        {
          name: "index-document",
          path: "/",
          contentType: "application/cloudevents+json",
          body: () => storedEvent,
          status: 200,
          route: "POST /",
        },
        {
          name: "search",
          path: "/search",
          contentType: "application/json",
          body: () => '{"query": "when does Knative send SIGTERM?"}',
          status: 200,
          route: "POST /search",
        },
        {
          name: "embed",
          path: "/embed",
          contentType: "application/json",
          body: () => '{"input": ["in flight during shutdown"]}',
          status: 200,
          route: "POST /embed",
        },
      ];

      for (const c of cases) {
        it(`${c.name}: answers the request in flight at SIGTERM, exits 0, flushes its spans under K_SERVICE/K_REVISION`, async () => {
          const fn = functions[c.name]!;
          const body = c.body();
          const request = requestInTwoParts(`${fn.url}${c.path}`, c.contentType);
          await request.dispatched;
          request.write(body.slice(0, 10));

          const exported = collector.spans.length;
          const stopped = fn.stop("SIGTERM");
          await waitFor(`${c.name} to log that it drains`, () =>
            fn.logs.some((line) => line.includes('"message":"draining"')),
          );
          assert.equal(fn.child.exitCode, null, "still running while the request is in flight");
          assert.equal(
            collector.spans.length,
            exported,
            "nothing exported before the shutdown flush",
          );
          const response = await request.end(body.slice(10));
          assert.equal(response.status, c.status, response.body);
          assert.equal((await stopped).code, 0);

          const server = collector.spans.filter(
            (s) => s.service === c.name && s.kind === "server" && s.name === c.route,
          );
          const drained = server.find(
            (s) => s.start_ms === Math.max(...server.map((span) => span.start_ms)),
          );
          assert.ok(drained, "the server span of the drained request reached the collector");
          assert.equal(drained.attributes["http.response.status_code"], c.status);
          assert.deepEqual(
            new Set(server.map((s) => s.version)),
            new Set([`${c.name}-00042`]),
            "service.version is K_REVISION",
          );
          const invocations = collector.metrics
            .filter((m) => m.service === c.name && m.name === "faas.invocations")
            .flatMap((m) => m.points);
          assert.ok(
            invocations.reduce((sum, p) => sum + (p.value ?? 0), 0) >= 1,
            "metrics flushed at shutdown too",
          );
        });
      }
    },
  );

/**
 * A POST whose body the test sends in parts. `dispatched` resolves on the server's 100 Continue,
 * sent once it parsed the headers and handed the request to the app: from then on the request is
 * in flight, and a SIGTERM must not cut it.
 */
function requestInTwoParts(url: string, contentType: string) {
  const request = httpRequest(url, {
    method: "POST",
    headers: { "content-type": contentType, expect: "100-continue" },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once("error", reject);
    request.once("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
  const dispatched = once(request, "continue");
  request.flushHeaders();
  return {
    dispatched,
    write: (part: string) => request.write(part),
    end: (part: string) => {
      request.end(part);
      return response;
    },
  };
}
