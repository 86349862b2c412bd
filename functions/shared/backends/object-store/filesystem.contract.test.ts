import { tempDir } from "../../../../test/support/temp-dir.ts";
import { FilesystemObjectStore } from "./filesystem.ts";
import { objectStoreContract } from "./object-store.contract.ts";

const dir = await tempDir("object-contract");
objectStoreContract("filesystem", async (bucket) => new FilesystemObjectStore(dir, bucket));
