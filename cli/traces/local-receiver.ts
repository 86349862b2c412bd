import { startOtlpReceiver, type OtlpReceiver } from "./otlp-receiver.ts";
import { TraceStore } from "./trace-store.ts";

export const DEFAULT_OTLP_PORT = 4318;

/**
 * The receiver `up` runs in its own process: on OTLP_PORT when it is set (a taken port is an
 * error naming it), else on OTLP's usual port 4318, or on any free port when that one is taken,
 * e.g. by a collector already running on this machine (`up` says so).
 */
export async function startLocalReceiver(
  dataDir: string,
  chosenPort = process.env.OTLP_PORT,
): Promise<OtlpReceiver> {
  const store = new TraceStore(dataDir);
  await store.prune();
  try {
    return await startOtlpReceiver({
      store,
      port: chosenPort ? Number(chosenPort) : DEFAULT_OTLP_PORT,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    if (chosenPort)
      throw new Error(
        `port ${chosenPort} (OTLP receiver) is taken by another process: stop it, or set OTLP_PORT to another port`,
      );
    return startOtlpReceiver({ store, port: 0 });
  }
}
