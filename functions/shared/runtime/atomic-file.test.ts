import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { removeOrphanedTempFiles, writeFileAtomic } from "./atomic-file.ts";

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

describe("removeOrphanedTempFiles", () => {
  it("removes the temporary files of writers that died, and no others", async () => {
    const dir = await tempDir("atomic-orphans");
    await mkdir(join(dir, "ns"), { recursive: true });
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    await writeFile(join(dir, "ns", `doc.json.${dead}-0a1b2c.tmp`), "half");
    await writeFile(join(dir, "ns", `doc.json.${process.pid}-0a1b2c.tmp`), "in progress");
    await writeFile(join(dir, "ns", "doc.json"), "whole");
    assert.equal(await removeOrphanedTempFiles(dir), 1);
    assert.deepEqual((await readdir(join(dir, "ns"))).sort(), [
      "doc.json",
      `doc.json.${process.pid}-0a1b2c.tmp`,
    ]);
    assert.equal(await removeOrphanedTempFiles(join(dir, "missing")), 0);
  });
});
