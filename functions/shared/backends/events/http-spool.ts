import { mkdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { type CloudEvent, HTTP } from "cloudevents";
import { removeOrphanedTempFiles } from "../../runtime/atomic-file.ts";
import { GroupCommitLog } from "../../runtime/group-commit-log.ts";
import { isNotFound } from "../../runtime/fs.ts";
import type { Logger } from "../../runtime/logger.ts";
import { recordCorruptFile } from "../../telemetry/pipeline-metrics.ts";
import { extractTraceContext, withTraceContext } from "../../telemetry/trace-context.ts";
import { SpoolFolders, type DeadLetterReason } from "./dead-letters.ts";
import { isRetryableStatus } from "../../runtime/retryable-status.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { HttpDelivery } from "./http-delivery.ts";
import { readSpoolFile, SEGMENT_EXTENSION, type SpoolFileContents } from "./spool-files.ts";

export interface HttpSpoolOptions {
  sink: string;
  spoolDir: string;
  logger: Logger;
  deliveryTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Answers with a retryable status before an event is dead-lettered (KafkaSource: retry + 1). */
  maxAttempts?: number;
  /** Events in flight at once (never two of one partition key); default 16. */
  concurrency?: number;
  /** How often an idle spool looks for events put back by `knative-rag dead-letters replay`. */
  pollMs?: number;
}

interface Spooled {
  id: number;
  event: CloudEvent<unknown>;
  /** The pending file (segment or single-event file) that holds it. */
  file: string;
  /** Events with one partition key are delivered one at a time, in spool order. */
  orderingKey: string;
  attempts: number;
  notBefore: number;
}

const DEFAULT_CONCURRENCY = 16;

type Outcome =
  | { done: true }
  | { done: false; status?: number; response?: string; error?: string; countsAsAttempt: boolean };

/**
 * Delivers CloudEvents over HTTP in binary mode to `K_SINK`, the way a SinkBinding would.
 * `publish` appends the event to a segment file in pending/ and returns once it is durable;
 * concurrent publishes share one write and one fdatasync (group commit). Undelivered events are
 * kept in memory in spool order, so delivery never rereads the folder; a segment is deleted once
 * every event in it is settled. A crash or restart loses nothing: the next start reads what is
 * left in pending/ (a delivered event may be delivered again — the sink is idempotent). No event
 * holds up another: each backs off on its own (exponential), up to `concurrency` are in flight,
 * and only events with the same partition key wait for each other (so versions of one document
 * arrive in order). Like KafkaSource, an event is dead-lettered (copied to `dead/` with the
 * reason) at once on a non-retryable status and after `maxAttempts` retryable ones (5xx, 404,
 * 408, 409, 429); an unreachable sink is not the event's fault and costs no attempt.
 * `knative-rag dead-letters` lists and replays them (a replay is a single-event file in pending/,
 * found by a scan every `pollMs`).
 */
export class HttpSpoolPublisher implements EventPublisher {
  readonly system = "http";
  readonly destination: string;
  private readonly folders: SpoolFolders;
  private readonly log: GroupCommitLog;
  private readonly delivery: HttpDelivery;
  /** Undelivered events in spool order. */
  private readonly queue = new Map<number, Spooled>();
  /** Every pending file this process knows, with how many of its durable events are not settled. */
  private readonly files = new Map<string, number>();
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Unreadable files that could not be moved to dead/ (disk full): left alone until then. */
  private readonly parked = new Map<string, number>();
  private wake: (() => void) | undefined;
  private woken = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private nextId = 0;
  private nextScan = 0;
  private orphansRemoved: Promise<number> | undefined;

  constructor(private readonly options: HttpSpoolOptions) {
    this.destination = options.sink;
    this.folders = new SpoolFolders(options.spoolDir);
    this.delivery = new HttpDelivery(
      new URL(options.sink),
      options.concurrency ?? DEFAULT_CONCURRENCY,
    );
    this.log = new GroupCommitLog({
      dir: this.folders.pending,
      extension: SEGMENT_EXTENSION,
      onSegment: (name) => this.files.set(name, 0),
      onCommit: (name, records) => this.files.set(name, (this.files.get(name) ?? 0) + records),
    });
  }

  async publish<T>(event: CloudEvent<T>): Promise<void> {
    const segment = await this.log.append(Buffer.from(`${JSON.stringify(event.toJSON())}\n`));
    this.enqueue(segment, event as CloudEvent<unknown>);
    this.start();
    this.signal();
  }

  isDeadLettered(eventId: string): Promise<boolean> {
    return this.folders.isDead(eventId);
  }

  async ready(): Promise<void> {
    await mkdir(this.folders.pending, { recursive: true });
    // Litter of a killed writer harms nobody: removed in the background, never awaited at start-up.
    this.orphansRemoved ??= removeOrphanedTempFiles(this.options.spoolDir);
    this.start();
  }

  /** Number of events not yet delivered (dead letters excluded), from memory. */
  backlog(): number {
    return this.queue.size + this.parked.size;
  }

  async close(): Promise<void> {
    this.running = false;
    this.signal();
    await this.loop;
    await Promise.allSettled(this.inFlight.values());
    await this.log.close();
    this.delivery.close();
  }

  private enqueue(file: string, event: CloudEvent<unknown>): void {
    const id = this.nextId++;
    this.queue.set(id, {
      id,
      event,
      file,
      orderingKey: String(event.partitionkey ?? `event:${event.id}`),
      attempts: 0,
      notBefore: 0,
    });
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.deliverLoop();
  }

  private async deliverLoop(): Promise<void> {
    while (this.running) {
      const pollMs = this.options.pollMs ?? 1000;
      let nextDue = Date.now() + pollMs;
      try {
        if (Date.now() >= this.nextScan) {
          this.nextScan = Date.now() + pollMs;
          await this.scan();
        }
        await this.removeSettledFiles();
        nextDue = Math.min(nextDue, this.dispatch(), this.nextScan);
      } catch (error) {
        // Nothing a disk or a sink does may end this loop (or the process): log, look again later.
        this.options.logger.error(
          { err: error },
          "event spool failed to look at its events, will retry",
        );
      }
      await this.sleep(Math.max(0, nextDue - Date.now()));
    }
  }

  /** Starts every event that may go now; returns when the earliest waiting one is due. */
  private dispatch(): number {
    const concurrency = this.options.concurrency ?? DEFAULT_CONCURRENCY;
    const busyKeys = new Set<string>();
    const now = Date.now();
    let nextDue = Number.POSITIVE_INFINITY;
    for (const spooled of this.queue.values()) {
      if (!this.running) break;
      if (busyKeys.has(spooled.orderingKey)) continue;
      busyKeys.add(spooled.orderingKey);
      if (this.inFlight.has(spooled.id)) continue;
      if (spooled.notBefore > now) {
        nextDue = Math.min(nextDue, spooled.notBefore);
        continue;
      }
      if (this.inFlight.size >= concurrency) break;
      const delivery = this.attempt(spooled).finally(() => {
        this.inFlight.delete(spooled.id);
        this.signal();
      });
      this.inFlight.set(spooled.id, delivery);
    }
    return nextDue;
  }

  /** Loads the pending files this process does not know yet: what a previous run left, replayed dead letters. */
  private async scan(): Promise<void> {
    for (const file of await this.folders.pendingFiles()) {
      if (this.files.has(file) || (this.parked.get(file) ?? 0) > Date.now()) continue;
      await this.load(file);
    }
  }

  /** A file's events, parsed once; an unreadable single-event file is dead-lettered. */
  private async load(file: string): Promise<void> {
    let contents: SpoolFileContents;
    try {
      contents = await readSpoolFile(this.folders.pending, file);
    } catch (error) {
      if (isNotFound(error)) return;
      if (!this.parked.has(file)) recordCorruptFile("event-spool");
      this.options.logger.error(
        { err: error, file },
        "unreadable spooled event, moving it to dead/",
      );
      await this.folders
        .moveToDead(file, {
          event_id: file,
          attempts: 0,
          error: String(error),
          dead_lettered_at: new Date().toISOString(),
        })
        .then(
          () => this.parked.delete(file),
          (moveError: unknown) => {
            this.parked.set(file, Date.now() + (this.options.maxBackoffMs ?? 60_000));
            this.options.logger.error(
              { err: moveError, file },
              "event spool could not move an unreadable event to dead/, will retry",
            );
          },
        );
      return;
    }
    if (contents.unreadable > 0)
      this.options.logger.warn(
        { file, lines: contents.unreadable },
        "spool segment ends in a torn record (a crash mid-append; never acknowledged), skipped",
      );
    this.files.set(file, contents.events.length);
    for (const event of contents.events) this.enqueue(file, event);
  }

  /** Deletes the pending files whose events are all settled (the open segment once nothing is being appended). */
  private async removeSettledFiles(): Promise<void> {
    for (const [file, unsettled] of this.files) {
      if (unsettled > 0 || !(await this.log.retire(file))) continue;
      if (this.files.get(file) !== 0) continue;
      await unlink(join(this.folders.pending, file)).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
      this.files.delete(file);
    }
  }

  private settle(spooled: Spooled): void {
    this.queue.delete(spooled.id);
    this.files.set(spooled.file, (this.files.get(spooled.file) ?? 1) - 1);
  }

  private async attempt(spooled: Spooled): Promise<void> {
    const { event, file } = spooled;
    // Delivered in the event's own trace (as Knative's dispatcher continues it from the record),
    // not in whichever request happened to start this loop.
    const eventContext = extractTraceContext({
      traceparent: event.traceparent,
      tracestate: event.tracestate,
    });
    const outcome = await withTraceContext(eventContext, () => this.post(event));
    const log = { event_id: event.id, subject: event.subject, file };
    try {
      if (outcome.done) {
        this.settle(spooled);
        this.options.logger.debug({ ...log, attempts: spooled.attempts + 1 }, "event delivered");
        return;
      }
      if (outcome.countsAsAttempt) spooled.attempts++;
      const retryable = outcome.status === undefined || isRetryableStatus(outcome.status);
      const reason = { status: outcome.status, response: outcome.response, error: outcome.error };
      if (retryable && spooled.attempts < (this.options.maxAttempts ?? 10)) {
        const { minBackoffMs = 500, maxBackoffMs = 60_000 } = this.options;
        const delay = Math.min(minBackoffMs * 2 ** Math.max(0, spooled.attempts - 1), maxBackoffMs);
        spooled.notBefore = Date.now() + delay;
        this.options.logger.warn(
          { ...log, ...reason, attempts: spooled.attempts, retry_in_ms: delay },
          "event delivery failed, will retry",
        );
        return;
      }
      this.options.logger.error(
        { ...log, ...reason, attempts: spooled.attempts },
        "event given up on, moved to dead/",
      );
      await this.deadLetter(spooled, {
        event_id: event.id,
        type: event.type,
        subject: event.subject,
        attempts: spooled.attempts,
        ...reason,
      });
    } catch (error) {
      // E.g. ENOSPC while moving to dead/: the event stays pending and is tried again later.
      spooled.notBefore = Date.now() + (this.options.maxBackoffMs ?? 60_000);
      this.options.logger.error(
        { ...log, err: error },
        "event spool could not settle an event, will retry",
      );
    }
  }

  private async post(event: CloudEvent<unknown>): Promise<Outcome> {
    const message = HTTP.binary(event);
    try {
      const body = message.body === undefined ? "" : (message.body as string | Uint8Array);
      const answer = await this.delivery.post(
        message.headers as Record<string, string>,
        body,
        this.options.deliveryTimeoutMs ?? 30_000,
      );
      if (answer.status >= 200 && answer.status < 300) return { done: true };
      return { done: false, status: answer.status, response: answer.body, countsAsAttempt: true };
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      // A time-out reached the sink (it may be the event's fault); a refused connection did not.
      return { done: false, error: String(error), countsAsAttempt: timedOut };
    }
  }

  private async deadLetter(
    spooled: Spooled,
    reason: Omit<DeadLetterReason, "dead_lettered_at">,
  ): Promise<void> {
    const full = { ...reason, dead_lettered_at: new Date().toISOString() };
    if (spooled.file.endsWith(SEGMENT_EXTENSION))
      await this.folders.writeDead(JSON.stringify(spooled.event.toJSON()), full);
    else await this.folders.moveToDead(spooled.file, full);
    this.settle(spooled);
  }

  private signal(): void {
    this.woken = true;
    this.wake?.();
  }

  /** Until `ms` pass or something happens (a publish, a finished delivery, close). */
  private sleep(ms: number): Promise<void> {
    if (!this.running || this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolveSleep) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.woken = false;
        resolveSleep();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
  }
}
