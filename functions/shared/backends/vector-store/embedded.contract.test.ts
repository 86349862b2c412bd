import { tempDir } from "../../../../test/support/temp-dir.ts";
import { EmbeddedVectorStore } from "./embedded.ts";
import { vectorStoreContract } from "./vector-store.contract.ts";

const dir = await tempDir("vector-contract");
vectorStoreContract("embedded", async () => ({
  writer: new EmbeddedVectorStore(dir),
  reader: new EmbeddedVectorStore(dir),
}));
