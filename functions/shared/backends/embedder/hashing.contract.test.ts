import { embedderContract } from "./embedder.contract.ts";
import { HashingEmbedder } from "./hashing.ts";

embedderContract("hashing", async () => new HashingEmbedder(384));
