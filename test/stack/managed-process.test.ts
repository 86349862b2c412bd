import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { managedProcess } from "./managed-process.ts";

const dir = mkdtempSync(join(tmpdir(), "knative-rag-managed-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a server that never gets ready fails within its time-out, naming its log and last check", async () => {
  const began = Date.now();
  const server = managedProcess({
    name: "sleeper",
    command: "sh",
    args: ["-c", "echo booting; exec sleep 30"],
    logFile: join(dir, "sleeper.log"),
    isReady: async () => {
      throw new Error("connection refused");
    },
    readyTimeoutMs: 1000,
  });
  await assert.rejects(server.start(), (err: Error) => {
    assert.match(err.message, /sleeper not ready after .*connection refused/);
    assert.match(err.message, /sleeper\.log/);
    assert.match(err.message, /booting/);
    return true;
  });
  assert.ok(Date.now() - began < 5000);
});

test("a server that dies while starting fails at once with its exit code", async () => {
  const server = managedProcess({
    name: "crasher",
    command: "sh",
    args: ["-c", "echo 'bad config' >&2; exit 3"],
    logFile: join(dir, "crasher.log"),
    isReady: async () => false,
    readyTimeoutMs: 30_000,
  });
  await assert.rejects(server.start(), /crasher exited with code 3[\s\S]*bad config/);
});

test("a missing program is reported as such", async () => {
  const server = managedProcess({
    name: "ghost",
    command: join(dir, "no-such-binary"),
    args: [],
    logFile: join(dir, "ghost.log"),
    isReady: async () => false,
    readyTimeoutMs: 5000,
  });
  await assert.rejects(server.start(), /could not start .*no-such-binary/);
});

test("stop() kills a server that ignores SIGTERM once its grace is over", async () => {
  const logFile = join(dir, "stubborn.log");
  const server = managedProcess({
    name: "stubborn",
    command: "sh",
    args: ["-c", "trap '' TERM; echo trapped-$((1+1)); while true; do sleep 0.1; done"],
    logFile,
    isReady: async () => readFileSync(logFile, "utf8").includes("trapped-2"),
    readyTimeoutMs: 5000,
    stopTimeoutMs: 500,
  });
  await server.start();
  const began = Date.now();
  await server.stop();
  const took = Date.now() - began;
  assert.ok(took >= 450 && took < 3000, `stopped after ${took}ms`);
});
