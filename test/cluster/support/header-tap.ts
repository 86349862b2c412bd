// Runs inside a pod's network namespace between queue-proxy and the function: forwards every
// request unchanged and appends what arrived (method, path, trace headers) as a JSON line to
// <log>, so a test sees exactly what queue-proxy forwarded. Usage: header-tap.ts <port> <target-port> <log>
import { appendFileSync } from "node:fs";
import { createServer, request } from "node:http";

const [port, targetPort, log] = process.argv.slice(2);
if (!port || !targetPort || !log)
  throw new Error("usage: header-tap.ts <port> <target-port> <log>");

createServer((incoming, response) => {
  const { traceparent, tracestate } = incoming.headers;
  appendFileSync(
    log,
    `${JSON.stringify({ method: incoming.method, path: incoming.url, traceparent, tracestate })}\n`,
  );
  const upstream = request(
    {
      host: "127.0.0.1",
      port: Number(targetPort),
      method: incoming.method,
      path: incoming.url,
      headers: incoming.headers,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on("error", (error) => response.writeHead(502).end(String(error)));
  incoming.pipe(upstream);
}).listen(Number(port), "127.0.0.1");
