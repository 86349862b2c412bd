import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CloudEvent } from "cloudevents";

/** pending/ holds segments (one event per line, appended in group commits) and single-event files (replayed dead letters). */
export const SEGMENT_EXTENSION = ".jsonl";

export function isPendingFile(name: string): boolean {
  return name.endsWith(".json") || name.endsWith(SEGMENT_EXTENSION);
}

export interface SpoolFileContents {
  events: CloudEvent<unknown>[];
  /** Lines that did not parse: a torn last line (a crash mid-append, never acknowledged) or damage. */
  unreadable: number;
}

/**
 * The events of one pending file, in spool order. A single-event file that does not parse
 * throws (it is dead-lettered whole); a segment drops what does not parse.
 */
export async function readSpoolFile(dir: string, name: string): Promise<SpoolFileContents> {
  const text = await readFile(join(dir, name), "utf8");
  if (!name.endsWith(SEGMENT_EXTENSION))
    return { events: [new CloudEvent(JSON.parse(text), false)], unreadable: 0 };
  const events: CloudEvent<unknown>[] = [];
  let unreadable = 0;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    try {
      events.push(new CloudEvent(JSON.parse(line), false));
    } catch {
      unreadable++;
    }
  }
  return { events, unreadable };
}
