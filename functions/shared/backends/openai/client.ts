import OpenAI from "openai";
import { requireSetting } from "../../config/runtime.ts";
import type { OpenAiConfig } from "./env.ts";

/**
 * An OpenAI SDK client for OpenAI or any OpenAI-compatible server (vLLM, Ollama, LocalAI).
 * The SDK retries 408/409/429/5xx and connection errors with exponential backoff, honouring Retry-After.
 */
export function openAiClientFromConfig(config: OpenAiConfig, when: string): OpenAI {
  // Self-hosted compatible servers often need no key; OpenAI itself does.
  const apiKey = config.OPENAI_BASE_URL
    ? (config.OPENAI_API_KEY ?? "unused")
    : requireSetting(config.OPENAI_API_KEY, "OPENAI_API_KEY", when);
  return new OpenAI({
    apiKey,
    ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    timeout: config.OPENAI_TIMEOUT_MS,
    maxRetries: config.OPENAI_MAX_RETRIES,
  });
}
