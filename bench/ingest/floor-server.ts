// The floor ingest is measured against: a Hono handler that parses the same JSON and writes one
// fsync'd file + rename, nothing else. Run as its own process: PORT, FLOOR_DIR.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { writeFileAtomic } from "../../functions/shared/runtime/atomic-file.ts";

const dir = process.env.FLOOR_DIR!;
const app = new Hono();
app.post("/ingest", async (c) => {
  const body = (await c.req.json()) as Record<string, unknown>;
  const id = randomUUID();
  await writeFileAtomic(join(dir, `${id}.json`), JSON.stringify(body));
  return c.json({ document_id: id, status: "accepted" }, 202);
});
app.get("/health/readiness", (c) => c.json({ status: "ok" }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" });
