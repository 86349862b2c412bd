import { tempDir } from "../../../../test/support/temp-dir.ts";
import { FileIndexState } from "./file.ts";
import { indexStateContract } from "./index-state.contract.ts";

const dir = await tempDir("index-state-contract");
indexStateContract("file", async () => ({
  writer: new FileIndexState(dir),
  reader: new FileIndexState(dir),
}));
