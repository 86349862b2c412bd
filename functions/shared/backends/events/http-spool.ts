import { mkdir, readdir, readFile, rename, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CloudEvent, HTTP } from "cloudevents";
import { writeFileAtomic } from "../../runtime/atomic-file.ts";
import type { Logger } from "../../runtime/logger.ts";
import { extractTraceContext, withTraceContext } from "../../telemetry/trace-context.ts";
import { isRetryableStatus, type EventPublisher } from "./event-publisher.ts";

export interface HttpSpoolOptions {
  sink: string;
  spoolDir: string;
  logger: Logger;
  deliveryTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Delivers CloudEvents over HTTP in binary mode to `K_SINK`, the way a SinkBinding would.
 * `publish` only writes the event into an on-disk spool (fsync + rename) and returns; a background
 * loop posts spooled events in order and deletes each after a 2xx. A crash or restart loses nothing:
 * the loop resumes from the spool at start-up. Retryable failures back off exponentially, forever;
 * a final 4xx moves the event to `dead/` with the response.
 */
export class HttpSpoolPublisher implements EventPublisher {
  readonly system = "http";
  readonly destination: string;
  private readonly pendingDir: string;
  private readonly deadDir: string;
  private wake: (() => void) | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private sequence = 0;

  constructor(private readonly options: HttpSpoolOptions) {
    this.destination = options.sink;
    this.pendingDir = resolve(options.spoolDir, "pending");
    this.deadDir = resolve(options.spoolDir, "dead");
  }

  async publish<T>(event: CloudEvent<T>): Promise<void> {
    const name = `${Date.now().toString().padStart(15, "0")}-${process.pid}-${(this.sequence++).toString().padStart(6, "0")}.json`;
    await writeFileAtomic(join(this.pendingDir, name), JSON.stringify(event.toJSON()));
    this.start();
    this.wake?.();
  }

  async ready(): Promise<void> {
    await mkdir(this.pendingDir, { recursive: true });
    this.start();
  }

  /** Number of events not yet delivered. */
  async backlog(): Promise<number> {
    return (await this.pendingFiles()).length;
  }

  async close(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.deliverLoop();
  }

  private async deliverLoop(): Promise<void> {
    const { minBackoffMs = 200, maxBackoffMs = 30_000 } = this.options;
    let backoff = minBackoffMs;
    while (this.running) {
      const files = await this.pendingFiles();
      if (files.length === 0) {
        await this.sleep(60_000);
        continue;
      }
      let failed = false;
      for (const file of files) {
        if (!this.running) return;
        const outcome = await this.deliver(file);
        if (outcome === "retry") {
          failed = true;
          break;
        }
      }
      if (failed) {
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, maxBackoffMs);
      } else {
        backoff = minBackoffMs;
      }
    }
  }

  private async deliver(file: string): Promise<"done" | "retry"> {
    const path = join(this.pendingDir, file);
    let event: CloudEvent<unknown>;
    try {
      event = new CloudEvent(JSON.parse(await readFile(path, "utf8")), false);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return "done";
      this.options.logger.error({ err: error, file }, "unreadable spooled event moved to dead/");
      await this.moveToDead(file, { reason: String(error) });
      return "done";
    }
    // Delivered in the event's own trace (as Knative's dispatcher continues it from the record),
    // not in whichever request happened to start this loop.
    const eventContext = extractTraceContext({ traceparent: event.traceparent, tracestate: event.tracestate });
    return withTraceContext(eventContext, () => this.post(file, path, event));
  }

  private async post(file: string, path: string, event: CloudEvent<unknown>): Promise<"done" | "retry"> {
    const message = HTTP.binary(event);
    try {
      const response = await fetch(this.options.sink, {
        method: "POST",
        headers: message.headers as Record<string, string>,
        body: message.body as string,
        signal: AbortSignal.timeout(this.options.deliveryTimeoutMs ?? 30_000),
      });
      const responseBody = await response.text();
      if (response.ok) {
        await unlink(path).catch(() => undefined);
        this.options.logger.debug({ event_id: event.id, status: response.status }, "event delivered");
        return "done";
      }
      if (isRetryableStatus(response.status)) {
        this.options.logger.warn({ event_id: event.id, status: response.status }, "event delivery failed, will retry");
        return "retry";
      }
      this.options.logger.error(
        { event_id: event.id, status: response.status, response: responseBody.slice(0, 500) },
        "event rejected by sink, moved to dead/",
      );
      await this.moveToDead(file, { status: response.status, response: responseBody.slice(0, 2000) });
      return "done";
    } catch (error) {
      this.options.logger.warn({ event_id: event.id, err: error }, "event sink unreachable, will retry");
      return "retry";
    }
  }

  private async moveToDead(file: string, reason: object): Promise<void> {
    await mkdir(this.deadDir, { recursive: true });
    await rename(join(this.pendingDir, file), join(this.deadDir, file));
    await writeFileAtomic(join(this.deadDir, `${file}.reason.json`), JSON.stringify(reason));
  }

  private async pendingFiles(): Promise<string[]> {
    try {
      return (await readdir(this.pendingDir)).filter((f) => f.endsWith(".json")).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolveSleep) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      const wake = () => done();
      this.wake = wake;
      function done() {
        clearTimeout(timer);
        resolveSleep();
      }
    });
  }
}
