import type { Logger } from "./logger.ts";

/**
 * Node's warnings (deprecations, a library's notice such as the AWS SDK's about Node versions) as
 * log records: by default Node prints them to stderr as plain text, lines that are not JSON among
 * a function's logs. The default printer is itself a `warning` listener, replaced here.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    const { code } = warning as Error & { code?: string };
    logger.warn({ warning: { name: warning.name, ...(code ? { code } : {}) } }, warning.message);
  });
}
