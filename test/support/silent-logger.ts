import { createLogger } from "../../functions/shared/runtime/logger.ts";

export const silentLogger = createLogger("test", "silent");
