import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { HttpProblem } from "./problems.ts";

const buffered = new WeakMap<Context, Promise<boolean>>();

/**
 * Reads the request body into memory once, and stops reading as soon as it passes `maxBytes`
 * (or at once when Content-Length says so): true when it fits. Every later reader (the telemetry
 * middleware looking for an event's traceparent, then the handler) gets the buffered copy through
 * `c.req.text()`/`json()`, so nothing reads past the limit and nothing reads the socket twice.
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
  if (Number(c.req.header("content-length") ?? 0) > maxBytes) return false;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bodyChunks(c)) {
    size += chunk.byteLength;
    if (size > maxBytes) return false;
    chunks.push(chunk);
  }
  // Hono's body cache, which text() and json() read: no second Request wraps the body. It holds
  // promises, as Hono's own parseBody() stores them; its type says the settled value.
  const text = Promise.resolve(new TextDecoder().decode(Buffer.concat(chunks, size)));
  c.req.bodyCache.text = text as unknown as string;
  return true;
}

/**
 * Under @hono/node-server, the socket's own stream: a Fetch `Request` and a web stream over it
 * cost about a tenth of a small request's CPU. Elsewhere (`app.request()`), the `Request`'s body.
 * Past the limit the rest stays unread and the connection open, for the 413.
 */
async function* bodyChunks(c: Context): AsyncGenerator<Uint8Array> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming && !incoming.readableDidRead) {
    yield* incoming.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = c.req.raw.body?.getReader();
  for (;;) {
    const read = await reader?.read();
    if (!read || read.done) return;
    yield read.value;
  }
}

/** 413 for a body over `maxBytes`: on each route that reads its body (not on one that streams it on). */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    if (await bufferBody(c, maxBytes)) return next();
    throw new HttpProblem(413, `request body is larger than ${maxBytes} bytes`);
  };
}
