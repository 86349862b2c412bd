const LEVEL_COLOURS: Record<string, string> = {
  debug: "90",
  info: "32",
  warn: "33",
  error: "31",
  fatal: "35",
};
const HIDDEN = new Set(["level", "time", "message", "service.name", "pid", "hostname"]);

/** One pino JSON line as `name | HH:MM:SS LEVEL message key=value…`; other lines pass through. */
export function formatLogLine(name: string, width: number, line: string, colour: boolean): string {
  const prefix = `${name.padEnd(width)} |`;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${prefix} ${line}`;
  }
  if (typeof record !== "object" || record === null || !("message" in record))
    return `${prefix} ${line}`;
  const level = String(record.level ?? "info");
  const time = typeof record.time === "string" ? record.time.slice(11, 19) : "";
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  const levelText = level.toUpperCase().padEnd(5);
  const shownLevel = colour ? `\x1b[${LEVEL_COLOURS[level] ?? "0"}m${levelText}\x1b[0m` : levelText;
  return `${prefix} ${time} ${shownLevel} ${String(record.message)}${fields ? ` ${fields}` : ""}`;
}
