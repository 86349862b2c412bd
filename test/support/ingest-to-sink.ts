import { join } from "node:path";
import { createIngestApp } from "../../functions/ingest/app.ts";
import { HttpSpoolPublisher } from "../../functions/shared/backends/events/http-spool.ts";
import { FilesystemObjectStore } from "../../functions/shared/backends/object-store/filesystem.ts";
import { startEventSink } from "./event-sink.ts";
import { silentLogger } from "./silent-logger.ts";
import { tempDir } from "./temp-dir.ts";

/**
 * ingest as an in-process app over a temporary DATA_DIR, with the real spool delivering every
 * event it publishes to a real HTTP sink that records them. Close it (the spool) when done.
 */
export async function ingestToSink(name: string, spool: { pollMs?: number } = {}) {
  const dataDir = await tempDir(name);
  const sink = await startEventSink();
  const objectStore = new FilesystemObjectStore(dataDir, "documents");
  const publisher = new HttpSpoolPublisher({
    sink: sink.url,
    spoolDir: join(dataDir, "spool"),
    logger: silentLogger,
    minBackoffMs: 20,
    ...spool,
  });
  const maxDocumentBytes = 100_000;
  const app = createIngestApp({ objectStore, publisher, logger: silentLogger, maxDocumentBytes });
  return {
    dataDir,
    sink,
    objectStore,
    publisher,
    app,
    maxDocumentBytes,
    close: () => publisher.close(),
  };
}
