import { resolve } from "node:path";
import { enumVar, optionalUrl } from "../../config/env.ts";
import { requireSetting } from "../../config/runtime.ts";
import type { Logger } from "../../runtime/logger.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { HttpSpoolPublisher } from "./http-spool.ts";

export type { EventPublisher } from "./event-publisher.ts";

export const eventsEnv = {
  EVENT_TRANSPORT: enumVar(["http"], "http"),
  K_SINK: optionalUrl(),
};

export interface EventsConfig {
  EVENT_TRANSPORT: "http";
  K_SINK?: string | undefined;
  DATA_DIR: string;
}

export async function createEventPublisher(config: EventsConfig, logger: Logger): Promise<EventPublisher> {
  switch (config.EVENT_TRANSPORT) {
    case "http":
      return new HttpSpoolPublisher({
        sink: requireSetting(config.K_SINK, "K_SINK", "EVENT_TRANSPORT=http (the URL index-document listens on)"),
        spoolDir: resolve(config.DATA_DIR, "spool", "ingest"),
        logger,
      });
  }
}
