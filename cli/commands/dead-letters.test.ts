import assert from "node:assert/strict";
import { readdir, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, it, mock } from "node:test";
import { tempDir } from "../../test/support/temp-dir.ts";
import { SpoolFolders } from "../../functions/shared/backends/events/dead-letters.ts";
import { ingestSpoolDir } from "../../functions/shared/backends/events/index.ts";
import { deadLetters } from "./dead-letters.ts";

describe("knative-rag dead-letters", () => {
  it("lists the dead letters with their reason and replays them into the spool", async () => {
    const dataDir = await tempDir("cli-dead-letters");
    const folders = new SpoolFolders(ingestSpoolDir(dataDir));
    await mkdir(folders.pending, { recursive: true });
    await writeFile(
      join(folders.pending, "000000000000001-1-000000.json"),
      JSON.stringify({ id: "e-1" }),
    );
    await folders.moveToDead("000000000000001-1-000000.json", {
      event_id: "e-1",
      subject: "doc-1",
      attempts: 10,
      status: 503,
      response: "embed down",
      dead_lettered_at: new Date().toISOString(),
    });

    const printed: string[] = [];
    const log = mock.method(console, "log", (line: string) => printed.push(line));
    try {
      await deadLetters(["list"], { dataDir, json: false });
      assert.match(printed[0]!, /doc-1 {2}after 10 attempt\(s\) {2}HTTP 503: embed down/);
      printed.length = 0;
      await deadLetters([], { dataDir, json: true });
      const [letter] = JSON.parse(printed[0]!) as { name: string; event_id: string }[];
      assert.equal(letter!.event_id, "e-1");
      await deadLetters(["replay"], { dataDir, json: false });
    } finally {
      log.mock.restore();
    }
    assert.deepEqual(await folders.list(), []);
    assert.equal((await readdir(folders.pending)).length, 1);
    await assert.rejects(deadLetters(["burn"], { dataDir, json: false }), /unknown action/);
  });
});
