import { startOtlpReceiver, type OtlpReceiver } from "./otlp-receiver.ts";
import { TraceStore } from "./trace-store.ts";

/**
 * The receiver `up` runs in its own process: on OTLP's usual port 4318 (OTLP_PORT), or on any
 * free port when that one is taken, e.g. by a collector already running on this machine.
 */
export async function startLocalReceiver(dataDir: string, port = Number(process.env.OTLP_PORT ?? 4318)): Promise<OtlpReceiver> {
  const store = new TraceStore(dataDir);
  await store.prune();
  try {
    return await startOtlpReceiver({ store, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return startOtlpReceiver({ store, port: 0 });
  }
}
