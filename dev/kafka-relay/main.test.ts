import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { packageRoot } from "../../cli/package-root.ts";

const bundle = join(packageRoot(), "dist", "dev", "kafka-relay.mjs");

it("the bundled relay refuses to start without its settings, naming each one", {
  skip: !existsSync(bundle) && "dist/dev/kafka-relay.mjs absent: run node scripts/build.mjs",
}, () => {
  const env = { PATH: process.env.PATH, RELAY_RETRY: "many" };
  const result = spawnSync(process.execPath, [bundle], { env, encoding: "utf8", timeout: 10_000 });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /RELAY_SINK=\(unset\)/);
  assert.match(result.stderr, /RELAY_RETRY="many"/);
  const noBrokers = spawnSync(process.execPath, [bundle], {
    env: { PATH: process.env.PATH, RELAY_SINK: "http://127.0.0.1:1/" },
    encoding: "utf8",
    timeout: 10_000,
  });
  assert.equal(noBrokers.status, 1);
  assert.match(noBrokers.stderr, /KAFKA_BROKERS=\(unset\): required when running the Kafka relay/);
});
