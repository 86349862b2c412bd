import { mkdir, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { CloudEvent, HTTP } from "cloudevents";
import { removeOrphanedTempFiles, writeFileAtomic } from "../../runtime/atomic-file.ts";
import { isNotFound } from "../../runtime/fs.ts";
import type { Logger } from "../../runtime/logger.ts";
import { extractTraceContext, withTraceContext } from "../../telemetry/trace-context.ts";
import { SpoolFolders, type DeadLetterReason } from "./dead-letters.ts";
import { isRetryableStatus } from "../../runtime/retryable-status.ts";
import type { EventPublisher } from "./event-publisher.ts";

export interface HttpSpoolOptions {
  sink: string;
  spoolDir: string;
  logger: Logger;
  deliveryTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Answers with a retryable status before an event is dead-lettered (KafkaSource: retry + 1). */
  maxAttempts?: number;
  /** Events in flight at once (never two of one partition key). */
  concurrency?: number;
  /** How often an idle spool looks for events put back by `knative-rag dead-letters replay`. */
  pollMs?: number;
}

interface Spooled {
  event: CloudEvent<unknown>;
  /** Events with one partition key are delivered one at a time, in spool order. */
  orderingKey: string;
  attempts: number;
  notBefore: number;
}

type Outcome = { done: true } | { done: false; status?: number; response?: string; error?: string; countsAsAttempt: boolean };

/**
 * Delivers CloudEvents over HTTP in binary mode to `K_SINK`, the way a SinkBinding would.
 * `publish` only writes the event into an on-disk spool (fsync + rename) and returns; a background
 * loop posts spooled events and deletes each after a 2xx. A crash or restart loses nothing: the
 * loop resumes from the spool at start-up. No event holds up another: each backs off on its own
 * (exponential), up to `concurrency` are in flight, and only events with the same partition key
 * wait for each other (so versions of one document arrive in order). Like KafkaSource, an event is
 * dead-lettered (moved to `dead/` with the reason) at once on a non-retryable status and after
 * `maxAttempts` retryable ones (5xx, 404, 408, 409, 429); an unreachable sink is not the event's
 * fault and costs no attempt. `knative-rag dead-letters` lists and replays them.
 */
export class HttpSpoolPublisher implements EventPublisher {
  readonly system = "http";
  readonly destination: string;
  private readonly folders: SpoolFolders;
  private readonly spooled = new Map<string, Spooled>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Unreadable files that could not be moved to dead/ (disk full): left alone until then. */
  private readonly parked = new Map<string, number>();
  private wake: (() => void) | undefined;
  private woken = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private sequence = 0;
  private orphansRemoved: Promise<number> | undefined;

  constructor(private readonly options: HttpSpoolOptions) {
    this.destination = options.sink;
    this.folders = new SpoolFolders(options.spoolDir);
  }

  async publish<T>(event: CloudEvent<T>): Promise<void> {
    const name = SpoolFolders.pendingName(`${process.pid}-${(this.sequence++).toString().padStart(6, "0")}`);
    await writeFileAtomic(join(this.folders.pending, name), JSON.stringify(event.toJSON()));
    this.start();
    this.signal();
  }

  isDeadLettered(eventId: string): Promise<boolean> {
    return this.folders.isDead(eventId);
  }

  async ready(): Promise<void> {
    await mkdir(this.folders.pending, { recursive: true });
    await (this.orphansRemoved ??= removeOrphanedTempFiles(this.options.spoolDir));
    this.start();
  }

  /** Number of events not yet delivered (dead letters excluded). */
  async backlog(): Promise<number> {
    return (await this.folders.pendingFiles()).length;
  }

  async close(): Promise<void> {
    this.running = false;
    this.signal();
    await this.loop;
    await Promise.allSettled(this.inFlight.values());
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.deliverLoop();
  }

  private async deliverLoop(): Promise<void> {
    while (this.running) {
      let nextDue = Date.now() + (this.options.pollMs ?? 1000);
      try {
        nextDue = Math.min(nextDue, await this.dispatch());
      } catch (error) {
        // Nothing a disk or a sink does may end this loop (or the process): log, look again later.
        this.options.logger.error({ err: error }, "event spool failed to look at its events, will retry");
      }
      await this.sleep(Math.max(0, nextDue - Date.now()));
    }
  }

  /** Starts every event that may go now; returns when the earliest waiting one is due. */
  private async dispatch(): Promise<number> {
    const concurrency = this.options.concurrency ?? 4;
    const files = await this.folders.pendingFiles();
    const present = new Set(files);
    for (const file of this.spooled.keys()) if (!present.has(file) && !this.inFlight.has(file)) this.spooled.delete(file);
    const busyKeys = new Set<string>();
    let nextDue = Number.POSITIVE_INFINITY;
    for (const file of files) {
      if (!this.running) break;
      const spooled = await this.load(file);
      if (!spooled) continue;
      if (busyKeys.has(spooled.orderingKey)) continue;
      busyKeys.add(spooled.orderingKey);
      if (this.inFlight.has(file)) continue;
      if (spooled.notBefore > Date.now()) {
        nextDue = Math.min(nextDue, spooled.notBefore);
        continue;
      }
      if (this.inFlight.size >= concurrency) break;
      const delivery = this.attempt(file, spooled).finally(() => {
        this.inFlight.delete(file);
        this.signal();
      });
      this.inFlight.set(file, delivery);
    }
    return nextDue;
  }

  /** The spooled event, parsed once; an unreadable file is dead-lettered. */
  private async load(file: string): Promise<Spooled | undefined> {
    const known = this.spooled.get(file);
    if (known) return known;
    if ((this.parked.get(file) ?? 0) > Date.now()) return undefined;
    let event: CloudEvent<unknown>;
    try {
      event = new CloudEvent(JSON.parse(await readFile(join(this.folders.pending, file), "utf8")), false);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      this.options.logger.error({ err: error, file }, "unreadable spooled event, moving it to dead/");
      await this.deadLetter(file, { event_id: file, attempts: 0, error: String(error) }).then(
        () => this.parked.delete(file),
        (moveError: unknown) => {
          this.parked.set(file, Date.now() + (this.options.maxBackoffMs ?? 60_000));
          this.options.logger.error({ err: moveError, file }, "event spool could not move an unreadable event to dead/, will retry");
        },
      );
      return undefined;
    }
    const spooled: Spooled = { event, orderingKey: String(event.partitionkey ?? `file:${file}`), attempts: 0, notBefore: 0 };
    this.spooled.set(file, spooled);
    return spooled;
  }

  private async attempt(file: string, spooled: Spooled): Promise<void> {
    const { event } = spooled;
    // Delivered in the event's own trace (as Knative's dispatcher continues it from the record),
    // not in whichever request happened to start this loop.
    const eventContext = extractTraceContext({ traceparent: event.traceparent, tracestate: event.tracestate });
    const outcome = await withTraceContext(eventContext, () => this.post(event));
    const log = { event_id: event.id, subject: event.subject, file };
    try {
      if (outcome.done) {
        await unlink(join(this.folders.pending, file)).catch(() => undefined);
        this.spooled.delete(file);
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
        this.options.logger.warn({ ...log, ...reason, attempts: spooled.attempts, retry_in_ms: delay }, "event delivery failed, will retry");
        return;
      }
      this.options.logger.error({ ...log, ...reason, attempts: spooled.attempts }, "event given up on, moved to dead/");
      await this.deadLetter(file, { event_id: event.id, type: event.type, subject: event.subject, attempts: spooled.attempts, ...reason });
    } catch (error) {
      // E.g. ENOSPC while moving to dead/: the event stays pending and is tried again later.
      spooled.notBefore = Date.now() + (this.options.maxBackoffMs ?? 60_000);
      this.options.logger.error({ ...log, err: error }, "event spool could not settle an event, will retry");
    }
  }

  private async post(event: CloudEvent<unknown>): Promise<Outcome> {
    const message = HTTP.binary(event);
    try {
      const response = await fetch(this.options.sink, {
        method: "POST",
        headers: message.headers as Record<string, string>,
        body: message.body as string,
        signal: AbortSignal.timeout(this.options.deliveryTimeoutMs ?? 30_000),
      });
      const body = (await response.text()).slice(0, 2000);
      if (response.ok) return { done: true };
      return { done: false, status: response.status, response: body, countsAsAttempt: true };
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      // A time-out reached the sink (it may be the event's fault); a refused connection did not.
      return { done: false, error: String(error), countsAsAttempt: timedOut };
    }
  }

  private async deadLetter(file: string, reason: Omit<DeadLetterReason, "dead_lettered_at">): Promise<void> {
    await this.folders.moveToDead(file, { ...reason, dead_lettered_at: new Date().toISOString() });
    this.spooled.delete(file);
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
