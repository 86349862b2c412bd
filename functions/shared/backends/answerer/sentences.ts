/**
 * The prose sentences of a markdown or plain-text passage, in order. Headings, fenced and
 * indented code, table rows and lines made mostly of symbols are skipped: they are not answers.
 */
export function splitSentences(text: string): string[] {
  const prose: string[] = [];
  let inFence = false;
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      prose.push("");
      continue;
    }
    if (inFence || isNotProse(line)) {
      prose.push("");
      continue;
    }
    prose.push(line.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, "- "));
  }
  return prose
    .join("\n")
    .split(/(?<=[.!?])\s+(?=[^a-z])|\n{2,}|\n(?=- )/)
    .map((s) => s.replace(/^- /, "").replace(/\s+/g, " ").trim())
    .filter((s) => s.length >= 12);
}

function isNotProse(line: string): boolean {
  if (/^\s{0,3}#{1,6}\s/.test(line)) return true; // heading
  if (/^\s*\|/.test(line)) return true; // table row
  if (/^( {4}|\t)\S/.test(line)) return true; // indented code
  const letters = (line.match(/\p{L}/gu) ?? []).length;
  return line.trim().length > 0 && letters / line.trim().length < 0.5; // mostly symbols: code, rules
}
