// Runs inside a pod's network namespace (see netns-pod.ts) and joins it to the test through
// Unix sockets, which live in the file system and so cross namespaces:
//   in:<socket>=<port>   the test connects to <socket>; the relay connects to 127.0.0.1:<port> here
//   out:<port>=<socket>  processes here connect to 127.0.0.1:<port>; the relay connects to <socket>
// Writes <ready-file> once every listener is up. Usage: netns-relay.ts <ready-file> MAPPING...
import { writeFileSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";

const [readyFile, ...mappings] = process.argv.slice(2);
if (!readyFile || mappings.length === 0)
  throw new Error("usage: netns-relay.ts <ready-file> in:<socket>=<port>|out:<port>=<socket>...");

function pipe(client: Socket, upstream: Socket): void {
  client.pipe(upstream).pipe(client);
  for (const [a, b] of [
    [client, upstream],
    [upstream, client],
  ] as const)
    a.on("error", () => b.destroy()).on("close", () => b.destroy());
}

await Promise.all(
  mappings.map((mapping) => {
    const match = /^(in|out):([^=]+)=(.+)$/.exec(mapping);
    if (!match) throw new Error(`bad mapping ${mapping}`);
    const [, direction, from, to] = match as unknown as [string, "in" | "out", string, string];
    const connect = () =>
      direction === "in"
        ? createConnection({ host: "127.0.0.1", port: Number(to) })
        : createConnection({ path: to });
    const server = createServer((client) => pipe(client, connect()));
    return new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      if (direction === "in") server.listen({ path: from }, resolve);
      else server.listen({ host: "127.0.0.1", port: Number(from) }, resolve);
    });
  }),
);
writeFileSync(readyFile, String(process.pid));
