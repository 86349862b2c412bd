import type { Context, MiddlewareHandler } from "hono";
import { HttpProblem } from "./problems.ts";

const buffered = new WeakMap<Context, Promise<boolean>>();

/**
 * Reads the request body into memory once, and stops reading as soon as it passes `maxBytes`
 * (or at once when Content-Length says so): true when it fits. Every later reader (the telemetry
 * middleware looking for an event's traceparent, then the handler) gets the buffered copy, so
 * nothing reads past the limit and nothing reads the socket twice.
 */
export function bufferBody(c: Context, maxBytes: number): Promise<boolean> {
  let fits = buffered.get(c);
  if (fits === undefined) {
    fits = readWithin(c, maxBytes);
    buffered.set(c, fits);
  }
  return fits;
}

async function readWithin(c: Context, maxBytes: number): Promise<boolean> {
  const raw = c.req.raw;
  if (!raw.body) return true;
  if (Number(raw.headers.get("content-length") ?? 0) > maxBytes) return false;
  const reader = raw.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) return false;
    chunks.push(value);
  }
  c.req.raw = new Request(raw, { body: Buffer.concat(chunks, size) });
  return true;
}

/** 413 for a body over `maxBytes`: on each route that reads its body (not on one that streams it on). */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    if (await bufferBody(c, maxBytes)) return next();
    throw new HttpProblem(413, `request body is larger than ${maxBytes} bytes`);
  };
}
