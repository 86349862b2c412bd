import { analyzerEnv } from "../../config/analyzer-env.ts";
import { enumVar, intVar, type Settings, stringVar } from "../../config/env.ts";
import { createAnalyzer } from "../../domain/analyzer.ts";
import { openAiEnv } from "../openai/env.ts";
import type { Answerer } from "./answerer.ts";
import { ExtractiveAnswerer } from "./extractive.ts";

export type { Answer, Answerer } from "./answerer.ts";

export const answererEnv = {
  LLM: enumVar(["extractive", "openai"], "extractive"),
  LLM_MODEL: stringVar("gpt-4o-mini"),
  LLM_MAX_TOKENS: intVar(512, 16, 32_768),
  ...openAiEnv,
  ...analyzerEnv,
};

export type AnswererConfig = Settings<typeof answererEnv>;

export async function createAnswerer(config: AnswererConfig): Promise<Answerer> {
  switch (config.LLM) {
    case "extractive":
      return new ExtractiveAnswerer(createAnalyzer(config.TEXT_ANALYZER));
    case "openai": {
      const [{ OpenAiAnswerer }, { openAiClientFromConfig }] = await Promise.all([
        import("./openai.ts"),
        import("../openai/client.ts"),
      ]);
      return new OpenAiAnswerer(
        openAiClientFromConfig(config, "LLM=openai without OPENAI_BASE_URL"),
        config.LLM_MODEL,
        config.LLM_MAX_TOKENS,
      );
    }
  }
}
