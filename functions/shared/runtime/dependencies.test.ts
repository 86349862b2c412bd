import assert from "node:assert/strict";
import { setImmediate as turn } from "node:timers/promises";
import { describe, it } from "node:test";
import { capturingLogger } from "../../../test/support/capturing-logger.ts";
import { waitFor } from "../../../test/support/wait-for.ts";
import {
  type Adapter,
  checkOrder,
  closeAll,
  probe,
  readinessChecks,
  readyEach,
} from "./dependencies.ts";

/** An adapter whose `ready()` waits until the test settles it, and says when it was called. */
function gatedAdapter(): Adapter & {
  called: boolean;
  closed: boolean;
  settle(error?: Error): void;
} {
  let release: (() => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  const adapter = {
    called: false,
    closed: false,
    ready() {
      adapter.called = true;
      return new Promise<void>((resolve, reject) => {
        release = resolve;
        fail = reject;
      });
    },
    async close() {
      adapter.closed = true;
    },
    settle(error?: Error) {
      if (error) fail!(error);
      else release!();
    },
  };
  return adapter;
}

describe("dependencies", () => {
  it("probes independent dependencies at once", async () => {
    const store = gatedAdapter();
    const index = gatedAdapter();
    const probed = probe({ store, index }, capturingLogger().logger);
    await waitFor(
      "both ready() called while neither has answered",
      () => store.called && index.called,
    );
    store.settle();
    index.settle();
    await probed;
  });

  it("starts a dependency's ready() only once those it waits for settled, ready or not", async () => {
    const store = gatedAdapter();
    const spool = gatedAdapter();
    const { logger, text } = capturingLogger();
    const probed = probe({ spool: { adapter: spool, after: ["store"] }, store }, logger);
    await waitFor("the store's ready() called", () => store.called);
    await turn();
    assert.equal(spool.called, false, "the spool waits for the store");
    store.settle(new Error("bucket unreachable"));
    await waitFor("the spool's ready() called", () => spool.called);
    spool.settle();
    await probed;
    const warnings = text()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { dependency?: string; message: string });
    assert.deepEqual(
      warnings.map((w) => [w.dependency, w.message]),
      [["store", "a dependency is not ready yet; readiness stays 503 until it is"]],
    );
  });

  it("says an optional dependency that is not ready leaves readiness alone", async () => {
    const cache = gatedAdapter();
    const { logger, text } = capturingLogger();
    const probed = probe({ cache: { adapter: cache, optional: true } }, logger);
    await waitFor("the cache's ready() called", () => cache.called);
    cache.settle(new Error("redis down"));
    await probed;
    assert.match(text(), /"dependency":"cache".*an optional dependency is not ready yet/);
  });

  it("checks readiness of the dependencies that can say and are not optional, in order", () => {
    const ready = async () => {};
    const close = async () => {};
    assert.deepEqual(
      readinessChecks({
        vectorStore: { ready, close },
        answerer: { close },
        cache: { adapter: { ready, close }, optional: true },
        indexState: { adapter: { ready, close }, after: ["vectorStore"] },
      }),
      ["vectorStore", "indexState"],
    );
  });

  it("readyEach runs what a named dependency waits for, even when it is not named", async () => {
    const store = gatedAdapter();
    const spool = gatedAdapter();
    const [[name, ready]] = readyEach({ store, spool: { adapter: spool, after: ["store"] } }, [
      "spool",
    ]) as [[string, Promise<void>]];
    assert.equal(name, "spool");
    await waitFor("the store's ready() called", () => store.called);
    store.settle();
    await waitFor("the spool's ready() called", () => spool.called);
    spool.settle();
    await ready;
  });

  it("refuses an order that names an unknown dependency or goes round in a circle", () => {
    const close = async () => {};
    assert.throws(
      () => checkOrder({ spool: { adapter: { close }, after: ["store"] } }),
      /"spool" waits for "store", which is not declared/,
    );
    assert.throws(
      () =>
        checkOrder({
          a: { adapter: { close }, after: ["b"] },
          b: { adapter: { close }, after: ["a"] },
        }),
      /wait for each other: a → b → a/,
    );
  });

  it("closes every adapter even when one fails to close", async () => {
    const failing: Adapter = {
      close: async () => {
        throw new Error("already closed");
      },
    };
    const other = gatedAdapter();
    await closeAll({ failing, other: { adapter: other, optional: true } });
    assert.equal(other.closed, true);
  });
});
