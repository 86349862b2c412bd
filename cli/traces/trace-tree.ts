import type { StoredSpan } from "./otlp-json.ts";

export interface SpanNode {
  span: StoredSpan;
  children: SpanNode[];
  /** True when the span names a parent that this trace does not hold (not sampled, not exported, or not yet arrived). */
  orphan: boolean;
}

/** Spans → forest: children under their parent, everything ordered by start time. */
export function buildTraceTree(spans: StoredSpan[]): SpanNode[] {
  const unique = new Map(spans.map((s) => [s.span_id, s]));
  const nodes = new Map(
    [...unique.values()].map((span) => [
      span.span_id,
      { span, children: [] as SpanNode[], orphan: false },
    ]),
  );
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parent_span_id ? nodes.get(node.span.parent_span_id) : undefined;
    if (parent) parent.children.push(node);
    else {
      node.orphan = node.span.parent_span_id !== undefined;
      roots.push(node);
    }
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.span.start_ms - b.span.start_ms;
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

/**
 * The trace as a table, like the reference walkthrough: service | span | duration, the span
 * column indented by depth, plus the start offset and the notes that matter when reading it.
 */
export function formatTraceTree(traceId: string, spans: StoredSpan[]): string {
  const roots = buildTraceTree(spans);
  const start = Math.min(...spans.map((s) => s.start_ms));
  const end = Math.max(...spans.map((s) => s.start_ms + s.duration_ms));
  const services = new Set(spans.map((s) => s.service));
  const rows: [string, string, string, string, string][] = [];
  const walk = (node: SpanNode, prefix: string, isLast: boolean, depth: number) => {
    const branch = depth === 0 ? "" : `${prefix}${isLast ? "└─ " : "├─ "}`;
    rows.push([
      node.span.service,
      `${branch}${node.span.name}`,
      formatMs(node.span.duration_ms),
      `+${formatMs(node.span.start_ms - start)}`,
      notes(node),
    ]);
    const childPrefix = depth === 0 ? "" : `${prefix}${isLast ? "   " : "│  "}`;
    node.children.forEach((child, i) =>
      walk(child, childPrefix, i === node.children.length - 1, depth + 1),
    );
  };
  roots.forEach((root) => walk(root, "", true, 0));
  const header: [string, string, string, string, string] = [
    "service",
    "span",
    "duration",
    "start",
    "",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 2 || i === 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    `trace ${traceId}: ${spans.length} spans, ${services.size} services, ${formatMs(end - start)}`,
    "",
    line(header),
    line(widths.map((w) => "─".repeat(w))),
    ...rows.map(line),
  ].join("\n");
}

function notes(node: SpanNode): string {
  const { span } = node;
  const out: string[] = [];
  if (span.kind !== "internal" && span.kind !== "unspecified") out.push(span.kind);
  if (span.attributes["faas.coldstart"] === true) out.push("cold start");
  if (span.status === "error")
    out.push(`error${span.status_message ? `: ${span.status_message}` : ""}`);
  const status = span.attributes["http.response.status_code"];
  if (typeof status === "number") out.push(String(status));
  for (const link of span.links) out.push(`link → ${link.trace_id}`);
  if (node.orphan) out.push(`parent ${span.parent_span_id} not in this trace`);
  return out.join(", ");
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}
