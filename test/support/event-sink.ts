import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after } from "node:test";

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server that records what it receives and answers with the given status (default 202). */
/**
 * Closed by an after() hook; a caller that starts it inside a before() hook closes it itself too,
 * since where that after() lands then depends on node:test's version (a leaked server keeps the
 * test file's process alive).
 */
export async function startEventSink(): Promise<{
  url: string;
  received: ReceivedRequest[];
  respondWith(status: number): void;
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  let status = 202;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (status < 300)
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () =>
    new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  after(close);
  return {
    close,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    respondWith: (next) => {
      status = next;
    },
  };
}
