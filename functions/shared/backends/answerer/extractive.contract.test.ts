import { answererContract } from "./answerer.contract.ts";
import { ExtractiveAnswerer } from "./extractive.ts";

answererContract("extractive", async () => new ExtractiveAnswerer());
