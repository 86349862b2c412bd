import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Stack traces mapped to the .ts sources at no start-up cost. `--enable-source-maps` parses every
 * bundle's map as the module loads (~100 ms of a cold start), and `process.setSourceMapsEnabled(true)`
 * called later does not map modules loaded before it (Node 20 and 22 alike). Here nothing is read
 * until a stack is first formatted; then each file's linked `.map` is parsed once and kept.
 */
export function installLazySourceMaps(): void {
  if (process.sourceMapsEnabled) return;
  const maps = new Map<string, SourceMap | undefined>();
  Error.prepareStackTrace = (error, frames) => {
    const lines = frames.map((frame) => `    at ${mapFrame(frame, maps)}`);
    return [headline(error), ...lines].join("\n");
  };
}

function headline(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return "Error";
  }
}

function mapFrame(frame: NodeJS.CallSite, maps: Map<string, SourceMap | undefined>): string {
  const text = frame.toString();
  const file = frame.getFileName();
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  if (!file?.startsWith("file:") || line === null || column === null) return text;
  const map = mapOf(file, maps);
  const entry = map?.findEntry(line - 1, column - 1);
  if (!entry || !("originalSource" in entry)) return text;
  const source = new URL(entry.originalSource, `${file}.map`);
  const original = `${fileURLToPath(source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  return text.replace(`${file}:${line}:${column}`, original);
}

function mapOf(file: string, maps: Map<string, SourceMap | undefined>): SourceMap | undefined {
  if (!maps.has(file)) {
    try {
      maps.set(file, new SourceMap(JSON.parse(readFileSync(new URL(`${file}.map`), "utf8"))));
    } catch {
      maps.set(file, undefined);
    }
  }
  return maps.get(file);
}
