import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import {
  decodeMetrics,
  decodeTraces,
  OtlpDecodeError,
  type StoredMetric,
  type StoredSpan,
} from "./otlp-json.ts";
import type { TraceStore } from "./trace-store.ts";

export interface OtlpReceiverOptions {
  store: TraceStore;
  port: number;
  host?: string;
  /** Called with every decoded batch, after it is stored (tests watch spans arrive here). */
  onSpans?: (spans: StoredSpan[]) => void;
  onMetrics?: (metrics: StoredMetric[]) => void;
}

export interface OtlpReceiver {
  /** The base URL to use as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const gunzipAsync = promisify(gunzip);

/**
 * A small OTLP/HTTP receiver for the local stack, in place of a collector and Tempo:
 * `POST /v1/traces` and `POST /v1/metrics` with JSON bodies (what the functions' exporters
 * send), gzip or not. Protobuf bodies are refused with 415 and a message saying so.
 */
export async function startOtlpReceiver(options: OtlpReceiverOptions): Promise<OtlpReceiver> {
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error) =>
      reply(response, 500, { error: String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: OtlpReceiverOptions,
): Promise<void> {
  const path = new URL(request.url ?? "/", "http://receiver").pathname;
  if (request.method !== "POST" || (path !== "/v1/traces" && path !== "/v1/metrics")) {
    return reply(response, 404, {
      error: `no route for ${request.method} ${path}; OTLP/HTTP is POST /v1/traces and POST /v1/metrics`,
    });
  }
  const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim();
  if (contentType !== "application/json") {
    request.resume();
    return reply(response, 415, {
      error: `content-type "${contentType}" is not supported: this receiver decodes OTLP/JSON (application/json) only`,
    });
  }
  const body = await readBody(request);
  if (body === undefined)
    return reply(response, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
  let payload: unknown;
  try {
    const raw = request.headers["content-encoding"] === "gzip" ? await gunzipAsync(body) : body;
    payload = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    return reply(response, 400, {
      error: `body is not (gzipped) JSON: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  try {
    if (path === "/v1/traces") {
      const spans = decodeTraces(payload);
      await options.store.append(spans);
      options.onSpans?.(spans);
    } else {
      const metrics = decodeMetrics(payload);
      await options.store.writeMetrics(metrics);
      options.onMetrics?.(metrics);
    }
  } catch (error) {
    if (error instanceof OtlpDecodeError)
      return reply(response, 400, { error: `not an OTLP export request: ${error.message}` });
    throw error;
  }
  reply(response, 200, {});
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: object): void {
  if (response.headersSent) return;
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
