import type { AddressInfo } from "node:net";
import { createServer, connect, type Socket } from "node:net";

export interface GatedPort {
  port: number;
  /** Forward connections to the target from now on. */
  open(): void;
  /** Refuse new connections and cut the open ones, as a stopped server would. */
  close(): void;
  stop(): Promise<void>;
}

/**
 * A loopback TCP port that forwards to another one only while open. It lets a restarted test
 * server finish restoring its state before clients can reach it again, as a real one would.
 */
export async function gatedPort(port: number, targetPort: number): Promise<GatedPort> {
  let isOpen = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    if (!isOpen) return void client.destroy();
    const target = connect(targetPort, "127.0.0.1");
    track(client);
    track(target);
    client.pipe(target).pipe(client);
    client.once("error", () => target.destroy());
    target.once("error", () => client.destroy());
  });
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(port, "127.0.0.1", resolve),
  );
  return {
    port: (server.address() as AddressInfo).port,
    open: () => void (isOpen = true),
    close: () => {
      isOpen = false;
      for (const socket of sockets) socket.destroy();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        isOpen = false;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
