// First: the telemetry SDK must be in place before anything asks for a tracer or meter.
import "../shared/telemetry/register.ts";
import {
  ConfigError,
  enumVar,
  intVar,
  renamedVar,
  stringVar,
  urlVar,
} from "../shared/config/env.ts";
import { createIndexState, indexStateEnv } from "../shared/backends/index-state/index.ts";
import { createObjectStore, objectStoreEnv } from "../shared/backends/object-store/index.ts";
import {
  storeWarnings,
  createVectorStore,
  vectorStoreEnv,
} from "../shared/backends/vector-store/index.ts";
import { EmbedClient } from "../shared/embed-client.ts";
import { DEFAULT_MAX_DOCUMENT_BYTES, maxStoredDocumentBytes } from "../shared/domain/document.ts";
import { startFunction } from "../shared/runtime/bootstrap.ts";
import { createIndexDocumentApp } from "./app.ts";

await startFunction(
  "index-document",
  {
    ...objectStoreEnv,
    ...vectorStoreEnv,
    ...indexStateEnv,
    EMBED_URL: urlVar(),
    MAX_DOCUMENT_BYTES: intVar(DEFAULT_MAX_DOCUMENT_BYTES, 1),
    CHUNK_SIZE: intVar(800, 50, 100_000),
    CHUNK_OVERLAP: intVar(100, 0, 50_000),
    EMBED_BATCH_SIZE: intVar(64, 1, 2048),
    EMBED_TIMEOUT_MS: intVar(30_000, 100),
    // How events reach this function, for the consumer span's messaging.* attributes.
    EVENT_DELIVERY: enumVar(["http", "kafka"], "http"),
    EVENT_TRANSPORT: renamedVar("EVENT_DELIVERY (how events reach index-document: http or kafka)"),
    KAFKA_TOPIC: stringVar("documents"),
  },
  async ({ config, logger }) => {
    if (config.CHUNK_OVERLAP >= config.CHUNK_SIZE) {
      throw new ConfigError(
        `Invalid configuration:\n  CHUNK_OVERLAP=${config.CHUNK_OVERLAP}: must be smaller than CHUNK_SIZE=${config.CHUNK_SIZE}`,
      );
    }
    const [objectStore, vectorStore, indexState] = await Promise.all([
      // Ingest writes the documents and alone replays its journal after a crash.
      createObjectStore(config, logger, "read-only"),
      createVectorStore(config, storeWarnings(logger)),
      createIndexState(config),
    ]);
    const app = createIndexDocumentApp({
      objectStore,
      vectorStore,
      indexState,
      embedClient: new EmbedClient(config.EMBED_URL, config.EMBED_TIMEOUT_MS),
      logger,
      chunking: { size: config.CHUNK_SIZE, overlap: config.CHUNK_OVERLAP },
      embedBatchSize: config.EMBED_BATCH_SIZE,
      maxDocumentBytes: config.MAX_DOCUMENT_BYTES,
      maxObjectBytes: maxStoredDocumentBytes(config.MAX_DOCUMENT_BYTES),
      ...(config.EVENT_DELIVERY === "kafka"
        ? { consumedFrom: { system: "kafka", destination: config.KAFKA_TOPIC } }
        : {}),
    });
    return { app, dependencies: { objectStore, vectorStore, indexState } };
  },
);
