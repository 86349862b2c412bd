// How the Upstash REST API writes Redis replies as JSON, as @upstash/redis decodes them
// (node_modules/@upstash/redis, pkg/http.ts): integers as numbers, nil as null, arrays as arrays,
// and every string base64-encoded when the request says `Upstash-Encoding: base64` (the client's
// default) — except the status reply "OK", which the client reads as is.

export type Reply = Buffer | string | number | null | Reply[] | Error;
export type JsonReply = string | number | null | JsonReply[];

export function encodeReply(reply: unknown, base64: boolean): JsonReply {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === "number") return reply;
  if (typeof reply === "bigint") return Number(reply);
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, base64));
  if (reply instanceof Error) return reply.message;
  const bytes = Buffer.isBuffer(reply) ? reply : Buffer.from(String(reply));
  if (!base64) return bytes.toString("utf8");
  const text = bytes.toString("latin1");
  return text === "OK" ? "OK" : bytes.toString("base64");
}

/** A command as the client sends it, e.g. ["set", "key", "value", "ex", 10]; null when malformed. */
export function parseCommand(body: unknown): [string, ...string[]] | null {
  if (!Array.isArray(body) || body.length === 0) return null;
  if (!body.every((arg) => ["string", "number", "boolean"].includes(typeof arg))) return null;
  const [name, ...args] = body.map(String) as [string, ...string[]];
  return [name, ...args];
}
