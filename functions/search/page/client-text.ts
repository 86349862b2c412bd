// Text helpers of the search page's browser script: pure functions, unit-tested in node.

export type Segment = { text: string; match?: boolean; citation?: number };

/** The words of a query worth highlighting, longest first, as lowercase stems. */
export function queryTerms(query: string): string[] {
  const stop = new Set(
    "a an and are as at be by can do does for from how i in is it of on or the this to what when where which who why with you your".split(
      " ",
    ),
  );
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const stems = words
    .filter((w) => w.length > 1 && !stop.has(w))
    .map((w) => (w.length > 4 ? w.replace(/(ing|ed|es|s|e)$/, "") : w));
  return [...new Set(stems)].sort((a, b) => b.length - a.length);
}

/** Splits text into plain and matching runs; a match is a word that starts with a term. */
export function splitByTerms(text: string, terms: string[]): Segment[] {
  if (terms.length === 0) return [{ text }];
  const alternatives = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})[\\p{L}\\p{N}]*`, "giu");
  const segments: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) segments.push({ text: text.slice(last, m.index) });
    segments.push({ text: m[0], match: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}

/** About `width` characters of content around the first query term, cut at word boundaries. */
export function snippet(content: string, terms: string[], width = 320): string {
  const text = content.replace(/\s+/g, " ").trim();
  if (text.length <= width) return text;
  const first = splitByTerms(text, terms).findIndex((s) => s.match);
  const offset =
    first <= 0
      ? 0
      : splitByTerms(text, terms)
          .slice(0, first)
          .reduce((n, s) => n + s.text.length, 0);
  let start = Math.max(0, Math.min(offset - Math.floor(width / 3), text.length - width));
  if (start > 0) start = text.indexOf(" ", start) + 1 || start;
  let end = Math.min(text.length, start + width);
  if (end < text.length)
    end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
  return `${start > 0 ? "… " : ""}${text.slice(start, end)}${end < text.length ? " …" : ""}`;
}

/** Splits an answer into text and `[n]` citations of sources 1…count. */
export function splitCitations(answer: string, count: number): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const m of answer.matchAll(/\[(\d{1,2})\]/g)) {
    const n = Number(m[1]);
    if (n < 1 || n > count) continue;
    if (m.index > last) segments.push({ text: answer.slice(last, m.index) });
    segments.push({ text: m[0], citation: n });
    last = m.index + m[0].length;
  }
  if (last < answer.length) segments.push({ text: answer.slice(last) });
  return segments;
}

/** The trace viewer link for a trace id, or undefined when none is configured or the id is not one. */
export function traceHref(template: string, traceId: string | undefined): string | undefined {
  if (!template || !traceId || !/^[0-9a-f]{32}$/.test(traceId)) return undefined;
  return template.split("{trace_id}").join(traceId);
}

/** A keyword query that finds a document: its longest distinct words, which tend to be its rarest. */
export function probeQuery(text: string): string {
  const words = [
    ...new Set(
      text
        .slice(0, 2000)
        .toLowerCase()
        .match(/[\p{L}\p{N}]{4,}/gu) ?? [],
    ),
  ];
  if (words.length === 0) return text.trim().slice(0, 200);
  return words
    .sort((a, b) => b.length - a.length)
    .slice(0, 8)
    .join(" ");
}

/** The message of a `{error}` JSON body, or the status line. */
export function errorMessage(status: number, body: unknown): string {
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === "string" && error ? error : `request failed with HTTP ${status}`;
}
