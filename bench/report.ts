// Every bench prints its tables through here: aligned on the console as they are measured, and
// collected so that bench/main.ts writes the run as JSON and Markdown under bench/results/.
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";

export type Cell = string | number;

export interface Table {
  title: string;
  /** How it was measured: versions, repetitions, what the ratio is against. */
  note?: string;
  columns: string[];
  rows: Cell[][];
  /** 1-minute load average when the table's measurement started and ended. */
  load?: [number, number];
}

const tables: Table[] = [];

/** Returns a function that, given the table, records the load average since this call. */
export function measuring(): (table: Omit<Table, "load">) => void {
  const before = loadavg()[0]!;
  return (table) => addTable({ ...table, load: [before, loadavg()[0]!] });
}

export function addTable(table: Table): void {
  tables.push(table);
  const text = table.rows.map((row) => row.map(String));
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...text.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ");
  const load = table.load
    ? `; load average ${table.load[0].toFixed(1)} → ${table.load[1].toFixed(1)}`
    : "";
  console.log(`\n${table.title}${load}`);
  if (table.note) console.log(table.note);
  console.log(line(table.columns));
  for (const row of text) console.log(line(row));
}

function markdown(run: { started: string; node: string; cpus: number; commit: string }): string {
  const parts = [
    `# Bench run ${run.started}`,
    "",
    `Node ${run.node}, ${run.cpus} CPUs, commit ${run.commit}.`,
  ];
  for (const table of tables) {
    parts.push("", `## ${table.title}`, "");
    if (table.note) parts.push(table.note, "");
    if (table.load)
      parts.push(`Load average ${table.load[0].toFixed(1)} → ${table.load[1].toFixed(1)}.`, "");
    parts.push(
      `| ${table.columns.join(" | ")} |`,
      `|${table.columns.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    );
    for (const row of table.rows) parts.push(`| ${row.join(" | ")} |`);
  }
  return `${parts.join("\n")}\n`;
}

/** Writes bench/results/<time>.{json,md}; returns the Markdown file's path. */
export async function writeResults(started: Date): Promise<string> {
  const commit = (() => {
    try {
      return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      return "unknown";
    }
  })();
  const run = {
    started: started.toISOString(),
    node: process.version,
    cpus: cpus().length,
    commit,
  };
  const dir = join("bench", "results");
  await mkdir(dir, { recursive: true });
  const base = join(dir, run.started.replace(/[:.]/g, "-"));
  await writeFile(`${base}.json`, `${JSON.stringify({ ...run, tables }, null, 2)}\n`);
  await writeFile(`${base}.md`, markdown(run));
  return `${base}.md`;
}
