import type { Context } from "hono";
import { Hono } from "hono";
import type { Redis } from "ioredis";
import { encodeReply, parseCommand } from "./upstash-encoding.ts";

export interface UpstashRestAppOptions {
  /** The real Redis the commands are forwarded to. */
  redis: Redis;
  /** Expected as `Authorization: Bearer <token>` (or `?_token=`), like Upstash. */
  token: string;
}

// These would change the state of the one shared connection, or never answer.
const REFUSED = new Set([
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
  "select",
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "monitor",
  "quit",
  "reset",
]);

/**
 * The Upstash REST protocol in front of a real Redis: POST / with one command as a JSON array,
 * POST /pipeline and /multi-exec with an array of commands; replies {result} or {error}.
 */
export function upstashRestApp({ redis, token }: UpstashRestAppOptions): Hono {
  const app = new Hono();

  app.use("*", async (c, next) => {
    const bearer =
      c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? c.req.query("_token");
    if (bearer !== token) return c.json({ error: "Unauthorized" }, 401);
    return next();
  });

  app.post("/", async (c) => {
    const command = parseCommand(await readJson(c));
    if (!command)
      return c.json(
        { error: "ERR a command is a non-empty JSON array of strings and numbers" },
        400,
      );
    const refusal = refuse(command);
    if (refusal) return c.json({ error: refusal }, 400);
    try {
      return c.json({ result: encodeReply(await redis.callBuffer(...command), wantsBase64(c)) });
    } catch (err) {
      return c.json({ error: message(err) }, 400);
    }
  });

  app.post("/pipeline", (c) => runBatch(c, redis.pipeline()));
  app.post("/multi-exec", (c) => runBatch(c, redis.multi()));

  return app;
}

type Batch = ReturnType<Redis["pipeline"]>;

async function runBatch(c: Context, batch: Batch): Promise<Response> {
  const body = await readJson(c);
  const commands = Array.isArray(body) && body.length > 0 ? body.map(parseCommand) : [null];
  if (commands.some((command) => command === null)) {
    return c.json({ error: "ERR a pipeline is a non-empty JSON array of commands" }, 400);
  }
  for (const command of commands as [string, ...string[]][]) {
    const refusal = refuse(command);
    if (refusal) return c.json({ error: refusal }, 400);
    batch.callBuffer(...command);
  }
  try {
    const results = (await batch.exec()) ?? [];
    const base64 = wantsBase64(c);
    return c.json(
      results.map(([err, result]) =>
        err ? { error: message(err) } : { result: encodeReply(result, base64) },
      ),
    );
  } catch (err) {
    // A transaction whose queueing failed (EXECABORT) answers as a whole.
    return c.json({ error: message(err) }, 400);
  }
}

function refuse([name]: [string, ...string[]]): string | null {
  return REFUSED.has(name.toLowerCase()) ? `ERR ${name} is not supported over REST` : null;
}

function wantsBase64(c: Context): boolean {
  return c.req.header("upstash-encoding")?.toLowerCase() === "base64";
}

async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return null;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
