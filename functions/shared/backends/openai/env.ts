import { intVar, optionalString, optionalUrl, type Settings } from "../../config/env.ts";

export const openAiEnv = {
  OPENAI_API_KEY: optionalString(),
  OPENAI_BASE_URL: optionalUrl(),
  OPENAI_TIMEOUT_MS: intVar(30_000, 100),
  OPENAI_MAX_RETRIES: intVar(3, 0, 10),
};

export type OpenAiConfig = Settings<typeof openAiEnv>;
