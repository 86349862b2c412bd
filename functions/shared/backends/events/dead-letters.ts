import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { sha256Hex } from "../../domain/document.ts";
import { writeFileAtomic } from "../../runtime/atomic-file.ts";
import { isNotFound, listOrEmpty } from "../../runtime/fs.ts";
import { isPendingFile } from "./spool-files.ts";

/** Why an event was given up on, kept beside it as `dead/<name>.reason.json`. */
export interface DeadLetterReason {
  event_id: string;
  type?: string | undefined;
  subject?: string | undefined;
  attempts: number;
  /** The sink's last status, when it answered. */
  status?: number | undefined;
  response?: string | undefined;
  error?: string | undefined;
  dead_lettered_at: string;
}

export interface DeadLetter extends Partial<DeadLetterReason> {
  /** The name to replay it by. */
  name: string;
}

/**
 * The spool's two folders: `pending/` (events to deliver, oldest name first) and `dead/`
 * (events given up on, named by a hash of the event id so a lookup by id is one stat).
 */
export class SpoolFolders {
  readonly pending: string;
  readonly dead: string;

  constructor(spoolDir: string) {
    this.pending = resolve(spoolDir, "pending");
    this.dead = resolve(spoolDir, "dead");
  }

  /** A name in pending/: the spool delivers oldest name first, so names start with the time. */
  static pendingName(suffix: string): string {
    return `${Date.now().toString().padStart(15, "0")}-${suffix}.json`;
  }

  static deadName(eventId: string): string {
    return sha256Hex(`event:${eventId}`).slice(0, 32);
  }

  /** Reason first, then the event: an event in dead/ always has its reason beside it. */
  async moveToDead(pendingFile: string, reason: DeadLetterReason): Promise<void> {
    const name = SpoolFolders.deadName(reason.event_id);
    await mkdir(this.dead, { recursive: true });
    await writeFileAtomic(join(this.dead, `${name}.reason.json`), JSON.stringify(reason));
    await rename(join(this.pending, pendingFile), join(this.dead, `${name}.json`));
  }

  /** The same for an event held in a segment (the segment is deleted once all its events are settled). */
  async writeDead(eventJson: string, reason: DeadLetterReason): Promise<void> {
    const name = SpoolFolders.deadName(reason.event_id);
    await mkdir(this.dead, { recursive: true });
    await writeFileAtomic(join(this.dead, `${name}.reason.json`), JSON.stringify(reason));
    await writeFileAtomic(join(this.dead, `${name}.json`), eventJson);
  }

  async isDead(eventId: string): Promise<boolean> {
    try {
      await stat(join(this.dead, `${SpoolFolders.deadName(eventId)}.json`));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async list(): Promise<DeadLetter[]> {
    const names = (await listOrEmpty(this.dead)).filter(
      (f) => f.endsWith(".json") && !f.endsWith(".reason.json"),
    );
    const letters: DeadLetter[] = [];
    for (const file of names.sort()) {
      const name = file.slice(0, -".json".length);
      const reason = await readFile(join(this.dead, `${name}.reason.json`), "utf8")
        .then((text) => JSON.parse(text) as DeadLetterReason)
        .catch(() => ({}));
      letters.push({ name, ...reason });
    }
    return letters.sort((a, b) =>
      (a.dead_lettered_at ?? "").localeCompare(b.dead_lettered_at ?? ""),
    );
  }

  /** Moves dead letters back to pending/ (all when `names` is empty); returns the names replayed. */
  async replay(names: string[] = []): Promise<string[]> {
    const wanted = names.length > 0 ? names : (await this.list()).map((l) => l.name);
    await mkdir(this.pending, { recursive: true });
    const replayed: string[] = [];
    for (const name of wanted) {
      if (!/^[a-f0-9]{32}$/.test(name)) throw new Error(`no dead letter named "${name}"`);
      try {
        await rename(
          join(this.dead, `${name}.json`),
          join(this.pending, SpoolFolders.pendingName(`replay-${name}`)),
        );
      } catch (error) {
        if (isNotFound(error)) throw new Error(`no dead letter named "${name}"`);
        throw error;
      }
      await rm(join(this.dead, `${name}.reason.json`), { force: true });
      replayed.push(name);
    }
    return replayed;
  }

  async pendingFiles(): Promise<string[]> {
    return (await listOrEmpty(this.pending)).filter(isPendingFile).sort();
  }
}
