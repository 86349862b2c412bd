import { pino } from "pino";
import type { Logger } from "../../functions/shared/runtime/logger.ts";

/** A logger whose JSON lines are kept in memory, so a test can read what an operator would see. */
export function capturingLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const logger = pino(
    { level: "debug", messageKey: "message", errorKey: "error" },
    { write: (line: string) => void lines.push(line) },
  );
  return { logger, text: () => lines.join("") };
}
