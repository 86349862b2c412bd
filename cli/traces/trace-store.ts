import { appendFile, mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../functions/shared/runtime/atomic-file.ts";
import type { StoredMetric, StoredSpan } from "./otlp-json.ts";

/**
 * Spans under `DATA_DIR/traces/<trace_id>.jsonl` (one JSON span per line, appended as they
 * arrive) and each service's latest metrics under `DATA_DIR/traces/metrics/<service>.json`.
 * Files, so `trace <id>` works from another terminal and after the stack stopped.
 */
export class TraceStore {
  readonly dir: string;

  constructor(
    dataDir: string,
    private readonly maxTraces = 2000,
  ) {
    this.dir = join(dataDir, "traces");
  }

  async append(spans: StoredSpan[]): Promise<void> {
    const byTrace = new Map<string, string[]>();
    for (const span of spans)
      byTrace.set(span.trace_id, [...(byTrace.get(span.trace_id) ?? []), JSON.stringify(span)]);
    await mkdir(this.dir, { recursive: true });
    // One append per trace and batch: a single write, so concurrent batches never interleave lines.
    await Promise.all(
      [...byTrace].map(([traceId, lines]) =>
        appendFile(this.traceFile(traceId), `${lines.join("\n")}\n`),
      ),
    );
  }

  async read(traceId: string): Promise<StoredSpan[]> {
    if (!/^[0-9a-f]{32}$/.test(traceId))
      throw new Error(`"${traceId}" is not a trace id (32 lowercase hex digits)`);
    try {
      const text = await readFile(this.traceFile(traceId), "utf8");
      return text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as StoredSpan);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  /** Trace ids, most recently written first. */
  async recent(limit: number): Promise<string[]> {
    const files = await this.traceFiles();
    return files.slice(0, limit).map((f) => f.name.replace(/\.jsonl$/, ""));
  }

  /** Keeps the newest `maxTraces` traces, so a long-running stack does not fill the disk. */
  async prune(): Promise<number> {
    const stale = (await this.traceFiles()).slice(this.maxTraces);
    await Promise.all(stale.map((f) => rm(join(this.dir, f.name), { force: true })));
    return stale.length;
  }

  async writeMetrics(metrics: StoredMetric[]): Promise<void> {
    const byService = new Map<string, StoredMetric[]>();
    for (const metric of metrics)
      byService.set(metric.service, [...(byService.get(metric.service) ?? []), metric]);
    await mkdir(join(this.dir, "metrics"), { recursive: true });
    await Promise.all(
      [...byService].map(([service, list]) =>
        writeFileAtomic(
          join(this.dir, "metrics", `${service}.json`),
          JSON.stringify(list, null, 1),
        ),
      ),
    );
  }

  private traceFile(traceId: string): string {
    return join(this.dir, `${traceId}.jsonl`);
  }

  private async traceFiles(): Promise<{ name: string; mtime: number }[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith(".jsonl"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const files = await Promise.all(
      names.map(async (name) => ({
        name,
        mtime: (await stat(join(this.dir, name)).catch(() => ({ mtimeMs: 0 }))).mtimeMs,
      })),
    );
    return files.sort((a, b) => b.mtime - a.mtime);
  }
}
