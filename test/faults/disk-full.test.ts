import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FUNCTION_NAMES } from "../../functions/functions.ts";
import { hc } from "hono/client";
import { startLocalStack, type LocalStack } from "../../cli/local-stack.ts";
import type { SearchApp } from "../../functions/search/app.ts";
import { SpoolFolders } from "../../functions/shared/backends/events/dead-letters.ts";
import { ingestSpoolDir } from "../../functions/shared/backends/events/index.ts";
import { waitFor } from "../support/wait-for.ts";
import { freePorts } from "../support/free-port.ts";

/** A real full disk: a 4 MiB tmpfs as DATA_DIR (needs root and mount; skipped, saying so, elsewhere). */
async function smallFilesystem(): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), "knative-rag-disk-full-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
}

const dataDir = await smallFilesystem();

describe("a full disk under the four real processes", {
  skip: dataDir ? false : "cannot mount a tmpfs here (needs root): disk-full test not run",
}, () => {
  let stack: LocalStack;
  const logs: string[] = [];
  let crashed: { name: string } | undefined;

  before(async () => {
    stack = await startLocalStack({
      ports: await freePorts(FUNCTION_NAMES),
      dataDir: dataDir!,
      functionEnv: { ingest: { SPOOL_MAX_BACKOFF_MS: "1000" } },
      onLog: (_n, line) => logs.push(line),
    });
    void stack.crashed.then((c) => (crashed = c));
  });
  after(async () => {
    await stack?.stop();
    execFileSync("umount", [dataDir!]);
    await rm(dataDir!, { recursive: true, force: true });
    if (process.exitCode) console.log(logs.slice(-100).join("\n"));
  });

  const ingest = (id: string, text: string) =>
    fetch(`${stack.urls.ingest}/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id, text, namespace: "full" }),
    });
  const served = async () => {
    const response = await hc<SearchApp>(stack.urls.search).search.$post({
      json: { query: `marker fresh${Date.now()}`, namespace: "full", mode: "keyword", top_k: 50 },
    });
    if (response.status !== 200) return new Set<string>();
    return new Set((await response.json()).sources.map((s) => s.document_id));
  };

  it("answers 503 while the disk is full, crashes nothing, leaves no litter, and loses nothing it accepted", {
    timeout: 120_000,
  }, async () => {
    const filler = join(dataDir!, "filler");
    const spool = new SpoolFolders(ingestSpoolDir(dataDir!));
    await mkdir(spool.pending, { recursive: true });
    const statuses: number[] = [];
    const accepted: string[] = [];
    const refused: string[] = [];
    // Fill the disk, then keep submitting documents of 40 KB. The hard case: an unreadable
    // spooled event whose move to dead/ hits ENOSPC (renamed in: that needs no free block).
    await writeFile(join(dataDir!, "unreadable.json"), "{truncated");
    execFileSync("sh", [
      "-c",
      `dd if=/dev/zero of=${filler} bs=4k count=100000 2>/dev/null || true`,
    ]);
    await rename(
      join(dataDir!, "unreadable.json"),
      join(spool.pending, "000000000000001-1-000000.json"),
    );
    for (let i = 0; i < 8; i++) {
      const id = `doc-${i}`;
      const response = await ingest(id, `marker document ${i} ${"padding ".repeat(5000)}`);
      statuses.push(response.status);
      (response.status === 202 ? accepted : refused).push(id);
      await response.body?.cancel();
    }
    assert.ok(
      statuses.every((s) => s === 202 || s === 503),
      `statuses ${statuses.join(",")}`,
    );
    assert.ok(refused.length > 0, "the disk was full");
    assert.equal(crashed, undefined, "no process exited");
    const litter = (await readdir(dataDir!, { recursive: true }))
      .map(String)
      .filter((f) => f.endsWith(".tmp"));
    assert.deepEqual(litter, [], "no temporary files of failed writes");

    // Space again: the client retries what was refused; everything accepted becomes searchable.
    await rm(filler);
    for (const id of refused) {
      const response = await ingest(
        id,
        `marker document ${id.slice(4)} ${"padding ".repeat(5000)}`,
      );
      assert.equal(response.status, 202);
      accepted.push(id);
    }
    await waitFor(
      "every accepted document to be searchable",
      async () => ((await served()).size === accepted.length ? true : undefined),
      60_000,
    );
    await waitFor(
      "the unreadable event to be dead-lettered",
      async () => ((await spool.list()).length === 1 ? true : undefined),
      60_000,
    );
    assert.equal(crashed, undefined, "no process exited");
    console.log(
      `disk full: ${statuses.filter((s) => s === 202).length} accepted, ${refused.length} refused with 503 while full; ${accepted.length} searchable after; lost 0`,
    );
  });
});
