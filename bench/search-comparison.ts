// The rows of bench/embedded-search.ts's table: LanceDB and SQLite side by side, each beside the
// plain reader where it has one, and SQLite as a multiple of LanceDB.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Cell } from "./report.ts";
import { median, percentile } from "./probe-process.ts";
import { SQLITE_FILE } from "./sqlite-store.ts";

export interface Measured {
  firstMs: number;
  rssMb: number;
  warm: {
    modes: Record<string, number[]>;
    rssMb: number;
    recall: Record<string, number>;
    top: Record<string, string[][]>;
  };
  visibleMs: number[];
  buildMs: number;
}

interface Comparison {
  chunks: number;
  rawMb: number;
  plain: { firstMs: number; rssMb: number };
  lance: Measured;
  sqlite: Measured | undefined;
  dir: string;
}

/** Kilobytes on disk of each path, summed (du). */
function diskMb(paths: string[]): number {
  const out = execFileSync("du", ["-skc", ...paths.filter((path) => existsSync(path))], {
    encoding: "utf8",
  });
  return Number(out.trim().split("\n").at(-1)!.split("\t")[0]) / 1024;
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined
    ? ""
    : a / b < 0.01
      ? (a / b).toPrecision(1)
      : (a / b).toFixed(2);
const ms = (values: number[]) =>
  `${median(values).toFixed(1)} / ${percentile(values, 99).toFixed(1)}`;

/** Of each query's top 10 in `mode`, the share of documents both stores return. */
function shared(lance: Measured, sqlite: Measured, mode: string): string {
  const a = lance.warm.top[mode]!;
  const b = sqlite.warm.top[mode]!;
  const common = a.reduce((sum, ids, i) => sum + ids.filter((id) => b[i]!.includes(id)).length, 0);
  const total = a.reduce((sum, ids) => sum + ids.length, 0);
  return (common / total).toFixed(2);
}

export async function comparisonRows(c: Comparison): Promise<Cell[][]> {
  const { lance, sqlite, plain } = c;
  const row = (
    label: string,
    value: (m: Measured) => number,
    format: (n: number) => string,
    reference?: number,
  ): Cell[] => {
    const l = value(lance);
    const s = sqlite && value(sqlite);
    return [
      label,
      format(l),
      s === undefined ? "skipped" : format(s),
      reference === undefined ? "" : format(reference),
      ratio(l, reference),
      ratio(s, reference),
      ratio(s, l),
    ];
  };
  const modes = (["keyword", "vector", "hybrid"] as const).map((mode): Cell[] => [
    `${mode} query p50 / p99 (ms)`,
    ms(lance.warm.modes[mode]!),
    sqlite ? ms(sqlite.warm.modes[mode]!) : "skipped",
    "",
    "",
    "",
    sqlite ? ratio(median(sqlite.warm.modes[mode]!), median(lance.warm.modes[mode]!)) : "",
  ]);
  const variants = sqlite
    ? Object.keys(sqlite.warm.recall)
        .filter((name) => name !== "vector")
        .map((name): Cell[] => [
          `SQLite ${name} p50 / p99 (ms), recall@10`,
          "",
          `${ms(sqlite.warm.modes[name]!)}, ${sqlite.warm.recall[name]!.toFixed(3)}`,
          "",
          "",
          "",
          ratio(median(sqlite.warm.modes[name]!), median(lance.warm.modes.vector!)),
        ])
    : [];
  const sqliteFiles = ["", "-wal", "-shm"].map((s) => join(c.dir, SQLITE_FILE + s));
  const empty = ["", "", "", ""];
  return [
    row(
      "spawn → first hybrid answer (ms, median)",
      (m) => m.firstMs,
      (n) => n.toFixed(0),
      plain.firstMs,
    ),
    row("RSS after the first answer (MB)", (m) => m.rssMb, String, plain.rssMb),
    ...modes,
    ...variants,
    row(
      "vector recall@10 (documents, against a brute-force scan)",
      (m) => m.warm.recall.vector!,
      (n) => n.toFixed(3),
    ),
    [
      "top 10 documents shared with LanceDB: keyword / vector / hybrid",
      "",
      sqlite
        ? ["keyword", "vector", "hybrid"].map((m) => shared(lance, sqlite, m)).join(" / ")
        : "skipped",
      ...empty,
    ],
    row(
      "RSS after the warm queries (MB; plain: the raw vectors)",
      (m) => m.warm.rssMb,
      String,
      Math.round(c.rawMb),
    ),
    [
      "write → visible to a running reader (ms, median / max)",
      ...[lance, sqlite].map((m) =>
        m
          ? `${median(m.visibleMs).toFixed(0)} / ${Math.max(...m.visibleMs).toFixed(0)}`
          : "skipped",
      ),
      ...empty,
    ],
    row(
      "build from the corpus (s; store writes, embedding excluded)",
      (m) => m.buildMs / 1000,
      (n) => n.toFixed(1),
    ),
    [
      "on disk (MB)",
      diskMb([join(c.dir, "store")]).toFixed(0),
      sqlite ? diskMb(sqliteFiles).toFixed(0) : "skipped",
      "",
      "",
      "",
      sqlite ? ratio(diskMb(sqliteFiles), diskMb([join(c.dir, "store")])) : "",
    ],
    [
      "installed (MB): node_modules/@lancedb, node_modules/sqlite-vec*",
      diskMb(["node_modules/@lancedb"]).toFixed(1),
      diskMb([
        "node_modules/sqlite-vec",
        `node_modules/sqlite-vec-${process.platform}-${process.arch}`,
      ]).toFixed(1),
      "",
      "",
      "",
      ratio(
        diskMb([
          "node_modules/sqlite-vec",
          `node_modules/sqlite-vec-${process.platform}-${process.arch}`,
        ]),
        diskMb(["node_modules/@lancedb"]),
      ),
    ],
  ];
}
