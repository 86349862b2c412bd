import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Interval, pairedBootstrap } from "./bootstrap.ts";
import type { Collection, EvalQuery } from "./collection.ts";
import { mean, METRIC_NAMES, type QueryMetrics, queryMetrics } from "./metrics.ts";

export interface RankedRun {
  name: string;
  rankings: Map<string, string[]>;
  latenciesMs?: number[];
}

export interface RunSummary {
  name: string;
  means: QueryMetrics;
  /** nDCG@10 on the two halves of the queries: odd ids (tuned on) and even ids (checked on). */
  ndcg10BySplit: { tune: number; check: number };
  /** Difference to the reference with its 95 % paired bootstrap interval, per metric. */
  versusReference?: Record<keyof QueryMetrics, Interval>;
  latencyMs?: { p50: number; p95: number };
}

export interface Report {
  collection: string;
  store: string;
  documents: number;
  /** Documents the pipeline made searchable (all of them, unless it lost some). */
  searchable: number;
  queries: number;
  topK: number;
  reference: string;
  runs: RunSummary[];
  generatedAt: string;
  commit: string;
}

export const isTuneQuery = (q: EvalQuery) => Number(q.id) % 2 === 1;

export function summarise(
  collection: Collection,
  runs: RankedRun[],
  reference: RankedRun,
  topK: number,
): RunSummary[] {
  const perQuery = (run: RankedRun) =>
    collection.queries.map((q) => queryMetrics(run.rankings.get(q.id) ?? [], q.relevant, topK));
  const referenceMetrics = perQuery(reference);
  return [...runs, reference].map((run) => {
    const metrics = perQuery(run);
    const column = (name: keyof QueryMetrics, list = metrics) => list.map((m) => m[name]);
    const split = (tune: boolean) =>
      mean(
        metrics
          .filter((_m, i) => isTuneQuery(collection.queries[i]!) === tune)
          .map((m) => m.ndcg10),
      );
    const summary: RunSummary = {
      name: run.name,
      means: Object.fromEntries(
        METRIC_NAMES.map((n) => [n, mean(column(n))]),
      ) as unknown as QueryMetrics,
      ndcg10BySplit: { tune: split(true), check: split(false) },
    };
    if (run !== reference) {
      summary.versusReference = Object.fromEntries(
        METRIC_NAMES.map((n) => [n, pairedBootstrap(column(n), column(n, referenceMetrics))]),
      ) as Record<keyof QueryMetrics, Interval>;
    }
    if (run.latenciesMs)
      summary.latencyMs = {
        p50: percentile(run.latenciesMs, 0.5),
        p95: percentile(run.latenciesMs, 0.95),
      };
    return summary;
  });
}

export function markdown(report: Report): string {
  const f = (x: number) => x.toFixed(3);
  const signed = (i: Interval) =>
    `${i.difference >= 0 ? "+" : ""}${f(i.difference)} [${f(i.low)}, ${f(i.high)}]`;
  const lines = [
    `### ${report.collection} on the ${report.store} store`,
    "",
    `${report.documents} documents (${report.searchable} searchable), ${report.queries} judged queries, top_k ${report.topK} (MAP and Recall at ${report.topK}); reference: ${report.reference}. Commit ${report.commit}, ${report.generatedAt}.`,
    "",
    `| run | nDCG@10 | MAP@${report.topK} | Recall@${report.topK} | MRR | nDCG@10 − reference [95 % CI] | nDCG@10 tune / check half | p50 / p95 ms |`,
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const run of report.runs) {
    const m = run.means;
    lines.push(
      `| ${run.name} | ${f(m.ndcg10)} | ${f(m.ap)} | ${f(m.recall)} | ${f(m.rr)} | ${run.versusReference ? signed(run.versusReference.ndcg10) : "–"} | ${f(run.ndcg10BySplit.tune)} / ${f(run.ndcg10BySplit.check)} | ${run.latencyMs ? `${run.latencyMs.p50.toFixed(0)} / ${run.latencyMs.p95.toFixed(0)}` : "–"} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export async function writeReport(
  dir: string,
  report: Report,
): Promise<{ json: string; md: string }> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, `${report.collection.toLowerCase()}-${report.store}`);
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${base}.md`, markdown(report));
  return { json: `${base}.json`, md: `${base}.md` };
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
