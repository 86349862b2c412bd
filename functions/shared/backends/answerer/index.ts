import { enumVar } from "../../config/env.ts";
import type { Answerer } from "./answerer.ts";
import { ExtractiveAnswerer } from "./extractive.ts";

export type { Answer, Answerer } from "./answerer.ts";

export const answererEnv = {
  LLM: enumVar(["extractive"], "extractive"),
};

export interface AnswererConfig {
  LLM: "extractive";
}

export async function createAnswerer(config: AnswererConfig): Promise<Answerer> {
  switch (config.LLM) {
    case "extractive":
      return new ExtractiveAnswerer();
  }
}
