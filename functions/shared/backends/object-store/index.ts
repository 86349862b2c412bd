import {
  boolVar,
  enumVar,
  intVar,
  optionalString,
  optionalUrl,
  type Settings,
  stringVar,
} from "../../config/env.ts";
import type { RuntimeConfig } from "../../config/runtime.ts";
import { FilesystemObjectStore } from "./filesystem.ts";
import type { ObjectStore } from "./object-store.ts";
import type { Logger } from "../../runtime/logger.ts";

export type { ObjectStore } from "./object-store.ts";

export const objectStoreEnv = {
  OBJECT_STORE: enumVar(["filesystem", "s3"], "filesystem"),
  DOCUMENTS_BUCKET: stringVar("documents"),
  S3_ENDPOINT: optionalUrl(),
  S3_REGION: stringVar("us-east-1"),
  S3_ACCESS_KEY_ID: optionalString(),
  S3_SECRET_ACCESS_KEY: optionalString(),
  S3_FORCE_PATH_STYLE: boolVar(true),
  S3_TIMEOUT_MS: intVar(10_000, 100),
};

export type ObjectStoreConfig = Settings<typeof objectStoreEnv> & Pick<RuntimeConfig, "DATA_DIR">;

/** Adapters load lazily so a bundle only pays, at cold start, for the store it uses. */
export async function createObjectStore(
  config: ObjectStoreConfig,
  logger?: Logger,
  access: "read-write" | "read-only" = "read-write",
): Promise<ObjectStore> {
  switch (config.OBJECT_STORE) {
    case "filesystem":
      return new FilesystemObjectStore(config.DATA_DIR, config.DOCUMENTS_BUCKET, {
        readOnly: access === "read-only",
        logError: (error) =>
          logger?.error(
            { err: error },
            "object store could not make its writes durable in place; its journal keeps them, will retry",
          ),
      });
    case "s3": {
      const { S3ObjectStore } = await import("./s3.ts");
      return new S3ObjectStore({
        bucket: config.DOCUMENTS_BUCKET,
        endpoint: config.S3_ENDPOINT,
        region: config.S3_REGION,
        accessKeyId: config.S3_ACCESS_KEY_ID,
        secretAccessKey: config.S3_SECRET_ACCESS_KEY,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
        requestTimeoutMs: config.S3_TIMEOUT_MS,
      });
    }
  }
}
