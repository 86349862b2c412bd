// An OTLP/HTTP receiver on a Unix socket (a pod's relay forwards to it) that decodes traces in
// both encodings: protobuf, what Knative's queue-proxy exports (its tracing-protocol is
// http/protobuf; Knative has no JSON option), and JSON, what the functions export. Decoded spans
// are kept apart by encoding, which tells queue-proxy's spans from the function's. Metrics are
// accepted and not decoded.
import { createServer, type IncomingMessage } from "node:http";
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs";
import { decodeTraces, type StoredSpan } from "../../../cli/traces/otlp-json.ts";

// The fields of opentelemetry-proto's ExportTraceServiceRequest (trace/v1/trace.proto,
// common/v1/common.proto, resource/v1/resource.proto) that StoredSpan reads, with their field
// numbers; the decoder skips the others. Enums are declared as int32 (the same varint on the wire).
const TRACES_PROTO = `
syntax = "proto3";
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { repeated Span spans = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; repeated Event events = 11; repeated Link links = 13;
  Status status = 15; fixed32 flags = 16;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;
const exportRequest = protobuf.parse(TRACES_PROTO).root.lookupType("ExportTraceServiceRequest");

/** Protobuf OTLP traces as the OTLP/JSON object decodeTraces reads (ids base64, times as strings). */
export function decodeProtobufTraces(body: Uint8Array): StoredSpan[] {
  const json = exportRequest.toObject(exportRequest.decode(body), {
    longs: String,
    bytes: String,
    enums: Number,
  });
  return decodeTraces(json);
}

export interface SocketOtlpReceiver {
  /** Spans that came as protobuf (queue-proxy) and as JSON (the functions). */
  protobuf: StoredSpan[];
  json: StoredSpan[];
  close(): Promise<void>;
}

export async function startSocketOtlpReceiver(socketPath: string): Promise<SocketOtlpReceiver> {
  const received: Pick<SocketOtlpReceiver, "protobuf" | "json"> = { protobuf: [], json: [] };
  const server = createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      if (request.url === "/v1/traces") {
        const type = request.headers["content-type"] ?? "";
        if (type.startsWith("application/x-protobuf"))
          received.protobuf.push(...decodeProtobufTraces(body));
        else if (type.startsWith("application/json"))
          received.json.push(...decodeTraces(JSON.parse(body.toString("utf8"))));
        else return void response.writeHead(415).end();
      }
      // An empty ExportTraceServiceResponse is an empty body in either encoding.
      response
        .writeHead(200, {
          "content-type": String(request.headers["content-type"] ?? "application/json"),
        })
        .end(request.headers["content-type"]?.includes("json") ? "{}" : "");
    } catch (error) {
      response.writeHead(400).end(String(error));
    }
  });
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(socketPath, resolve),
  );
  return {
    ...received,
    close: () =>
      new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
}
