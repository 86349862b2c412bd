import { SpoolFolders } from "../../functions/shared/backends/events/dead-letters.ts";
import { ingestSpoolDir } from "../../functions/shared/backends/events/index.ts";

export interface DeadLettersOptions {
  dataDir: string;
  json: boolean;
}

/**
 * `dead-letters [list]` shows the events the local spool gave up on, with the reason;
 * `dead-letters replay [<name>…]` puts them (all, or the named ones) back for delivery.
 */
export async function deadLetters(args: string[], options: DeadLettersOptions): Promise<boolean> {
  const folders = new SpoolFolders(ingestSpoolDir(options.dataDir));
  const [action = "list", ...names] = args;
  if (action === "list") {
    const letters = await folders.list();
    if (options.json) {
      console.log(JSON.stringify(letters, null, 2));
      return true;
    }
    if (letters.length === 0) console.log("no dead letters");
    for (const l of letters) {
      const why =
        l.status !== undefined
          ? `HTTP ${l.status}${l.response ? `: ${l.response.slice(0, 160)}` : ""}`
          : (l.error ?? "unknown");
      console.log(
        `${l.name}  ${l.dead_lettered_at ?? "?"}  ${l.subject ?? l.event_id ?? "?"}  after ${l.attempts ?? "?"} attempt(s)  ${why}`,
      );
    }
    return true;
  }
  if (action === "replay") {
    const replayed = await folders.replay(names);
    console.log(
      `${replayed.length} dead letter(s) back in the spool; a running ingest delivers them within a second or two`,
    );
    return true;
  }
  throw new Error(`unknown action "${action}": use list or replay [<name>…]`);
}
