// First: the telemetry SDK must be in place before anything asks for a tracer or meter.
import "../shared/telemetry/register.ts";
import { intVar } from "../shared/config/env.ts";
import { createEventPublisher, eventsEnv } from "../shared/backends/events/index.ts";
import { createObjectStore, objectStoreEnv } from "../shared/backends/object-store/index.ts";
import { accessEnv, accessSettings } from "../shared/access/env.ts";
import { DEFAULT_MAX_DOCUMENT_BYTES } from "../shared/domain/document.ts";
import { startFunction } from "../shared/runtime/bootstrap.ts";
import { createIngestApp } from "./app.ts";

await startFunction(
  "ingest",
  {
    ...objectStoreEnv,
    ...eventsEnv,
    ...accessEnv,
    MAX_DOCUMENT_BYTES: intVar(DEFAULT_MAX_DOCUMENT_BYTES, 1),
    INGEST_MAX_BACKLOG: intVar(1000, 1),
    INGEST_RETRY_AFTER_SECONDS: intVar(1, 1, 3600),
  },
  async ({ config, logger }) => {
    const objectStore = await createObjectStore(config, logger);
    const publisher = await createEventPublisher(config, logger);
    const app = createIngestApp({
      objectStore,
      publisher,
      logger,
      maxDocumentBytes: config.MAX_DOCUMENT_BYTES,
      access: accessSettings(config),
      maxBacklog: config.INGEST_MAX_BACKLOG,
      backlogRetryAfterSeconds: config.INGEST_RETRY_AFTER_SECONDS,
    });
    return {
      app,
      dependencies: {
        objectStore,
        // The store restores what its journal holds before the spool delivers events naming it.
        publisher: { adapter: publisher, after: ["objectStore"] },
      },
    };
  },
);
