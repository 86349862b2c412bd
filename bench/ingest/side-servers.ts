import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback server that reads each request and answers `status` with an empty body: an event sink, an OTLP receiver. */
export async function answeringServer(
  status: number,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((request, response) => {
    request.resume().on("end", () => {
      count++;
      response.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
