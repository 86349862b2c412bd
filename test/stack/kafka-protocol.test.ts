import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { startKafka, type KafkaServer } from "./servers.ts";

// Kafka 4 raised the minimum version of many requests (KIP-896); kafkajs 2.2.4 sends
// min(its highest version, the broker's highest) and never looks at the broker's minimum. This asks the broker for its ranges (ApiVersions) and checks that every
// request kafkajs implements still has a version in common. It uses kafkajs internals on purpose:
// the public API hides the negotiation.
const require = createRequire(import.meta.url);
type VersionRanges = Record<number, { minVersion: number; maxVersion: number }>;

let kafka: KafkaServer;
before(async () => {
  kafka = await startKafka();
});
after(() => kafka?.cleanup());

test("every request kafkajs implements shares a protocol version with the broker", async () => {
  const brokerRanges = await fetchApiVersions(kafka.brokers[0] ?? "");
  const apiKeys = require("kafkajs/src/protocol/requests/apiKeys") as Record<string, number>;
  const requests = require("kafkajs/src/protocol/requests") as {
    requests: Record<string, { versions: string[] }>;
  };
  const unusable: string[] = [];
  const negotiated: string[] = [];
  for (const [name, definition] of Object.entries(requests.requests)) {
    const clientVersions = definition.versions.map(Number);
    const key = apiKeys[name];
    if (clientVersions.length === 0 || key === undefined) continue; // not implemented by kafkajs
    const range = brokerRanges[key];
    const chosen = range ? Math.min(Math.max(...clientVersions), range.maxVersion) : -1; // kafkajs' own rule (protocol/requests lookup)
    if (!range || chosen < range.minVersion || !clientVersions.includes(chosen)) {
      unusable.push(
        `${name} (kafkajs v${clientVersions.join(",")}; broker ${range ? `v${range.minVersion}-${range.maxVersion}` : "none"})`,
      );
    } else negotiated.push(`${name} v${chosen}`);
  }
  process.stderr.write(
    `[stack] kafka ${kafka.version} / kafkajs negotiated: ${negotiated.join(", ")}\n`,
  );
  assert.deepEqual(
    unusable,
    [],
    `kafkajs requests the broker no longer accepts: ${unusable.join("; ")}`,
  );
});

async function fetchApiVersions(address: string): Promise<VersionRanges> {
  const ConnectionPool = require("kafkajs/src/network/connectionPool");
  const Broker = require("kafkajs/src/broker");
  const socketFactory = require("kafkajs/src/network/socketFactory");
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const logger = { namespace: () => quiet };
  const [host, port] = address.split(":");
  const connectionPool = new ConnectionPool({
    host,
    port: Number(port),
    clientId: "stack-api-versions",
    logger,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    enforceRequestTimeout: true,
    socketFactory: socketFactory(),
  });
  const broker = new Broker({ connectionPool, logger });
  try {
    return (await broker.apiVersions()) as VersionRanges;
  } finally {
    await connectionPool.destroy();
  }
}
