import assert from "node:assert/strict";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { writeFileAtomic } from "./atomic-file.ts";

describe("writeFileAtomic", () => {
  it("replaces the file whole", async () => {
    const dir = await tempDir("atomic");
    await writeFileAtomic(join(dir, "a.json"), "one");
    await writeFileAtomic(join(dir, "a.json"), "two");
    assert.equal(await readFile(join(dir, "a.json"), "utf8"), "two");
    assert.deepEqual(await readdir(dir), ["a.json"]);
  });

  it("leaves no temporary file behind when the write fails", async () => {
    const dir = await tempDir("atomic-fail");
    // The rename cannot replace a folder: the write fails after the temporary file exists.
    await mkdir(join(dir, "target.json"));
    await assert.rejects(writeFileAtomic(join(dir, "target.json"), "data"));
    assert.deepEqual(await readdir(dir), ["target.json"]);
  });
});
