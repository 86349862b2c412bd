import { enumVar, stringVar } from "../../config/env.ts";
import { FilesystemObjectStore } from "./filesystem.ts";
import type { ObjectStore } from "./object-store.ts";

export type { ObjectStore } from "./object-store.ts";

export const objectStoreEnv = {
  OBJECT_STORE: enumVar(["filesystem"], "filesystem"),
  DOCUMENTS_BUCKET: stringVar("documents"),
};

export interface ObjectStoreConfig {
  OBJECT_STORE: "filesystem";
  DOCUMENTS_BUCKET: string;
  DATA_DIR: string;
}

export async function createObjectStore(config: ObjectStoreConfig): Promise<ObjectStore> {
  switch (config.OBJECT_STORE) {
    case "filesystem":
      return new FilesystemObjectStore(config.DATA_DIR, config.DOCUMENTS_BUCKET);
  }
}
