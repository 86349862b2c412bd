import assert from "node:assert/strict";
import { appendFile, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { GroupCommitLog } from "./group-commit-log.ts";

describe("GroupCommitLog", () => {
  it("puts concurrent appends into one segment, in order, each resolving once written", async () => {
    const dir = await tempDir("group-commit");
    const commits: number[] = [];
    const log = new GroupCommitLog({
      dir,
      extension: ".log",
      onCommit: (_segment, records) => commits.push(records),
    });
    const segments = await Promise.all(
      Array.from({ length: 50 }, (_, i) => log.append(Buffer.from(`record ${i}\n`))),
    );
    assert.equal(new Set(segments).size, 1);
    assert.ok(commits.length < 50, `50 appends shared ${commits.length} commits`);
    assert.equal(
      commits.reduce((a, b) => a + b, 0),
      50,
    );
    const lines = (await readFile(join(dir, segments[0]!), "utf8")).trimEnd().split("\n");
    assert.deepEqual(
      lines,
      Array.from({ length: 50 }, (_, i) => `record ${i}`),
    );
    await log.close();
  });

  it("starts a new segment once one is full or retired, and never appends after a torn tail", async () => {
    const dir = await tempDir("group-commit-roll");
    const log = new GroupCommitLog({ dir, extension: ".log", maxSegmentBytes: 10 });
    const first = await log.append(Buffer.from("0123456789\n"));
    const second = await log.append(Buffer.from("next\n"));
    assert.notEqual(first, second, "a full segment is not appended to");
    assert.equal(log.currentSegment, second);
    assert.equal(await log.retire(second), true);
    assert.equal(log.currentSegment, undefined);
    // What a crash mid-append leaves: the next append must not glue onto it.
    await appendFile(join(dir, second), "torn");
    const third = await log.append(Buffer.from("after\n"));
    assert.notEqual(third, second);
    assert.equal((await readdir(dir)).length, 3);
    await log.close();
  });

  it("never lets a segment being created be retired (its owner would delete the file its records go to)", async () => {
    const dir = await tempDir("group-commit-opening");
    let created: string | undefined;
    const log = new GroupCommitLog({
      dir,
      extension: ".log",
      onSegment: (name) => (created = name),
    });
    const appended = log.append(Buffer.from("record\n"));
    assert.ok(created);
    assert.equal(await log.retire(created), false);
    assert.equal(await appended, created);
    assert.deepEqual(await readdir(dir), [created]);
    await log.close();
  });

  it("rolls a segment that is being created when roll() is called", async () => {
    const dir = await tempDir("group-commit-roll-opening");
    const log = new GroupCommitLog({ dir, extension: ".log" });
    const first = log.append(Buffer.from("a\n"));
    log.roll();
    assert.notEqual(await log.append(Buffer.from("b\n")), await first);
    await log.close();
  });

  it("rejects the appends of a failed write and carries on in a new segment", async () => {
    const dir = await tempDir("group-commit-fail");
    const log = new GroupCommitLog({ dir: join(dir, "missing", "\0bad"), extension: ".log" });
    await assert.rejects(log.append(Buffer.from("x\n")));
    await log.close();
  });
});
