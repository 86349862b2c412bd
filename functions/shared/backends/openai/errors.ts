import { APIError } from "openai";
import { DependencyRejected } from "../../runtime/dependency-error.ts";

/**
 * Statuses that reject the request itself (too long for the model's context, content policy,
 * an invalid parameter): the same request fails the same way every time. Everything else (401/403
 * and 404 are settings an operator can fix, 408/409/429/5xx pass) stays retryable.
 */
const PERMANENT_STATUSES = new Set([400, 413, 422]);

/** Runs one OpenAI call; a permanent rejection becomes a DependencyRejected, anything else is rethrown. */
export async function openAiCall<T>(dependency: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof APIError &&
      error.status !== undefined &&
      PERMANENT_STATUSES.has(error.status)
    ) {
      // OpenAI's code (context_length_exceeded, …) says why; its message may quote the input, so it is only logged.
      throw new DependencyRejected(
        dependency,
        `HTTP ${error.status}${error.code ? ` (${error.code})` : ""}`,
        { cause: error },
      );
    }
    throw error;
  }
}
