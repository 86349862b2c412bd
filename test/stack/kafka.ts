import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePorts } from "../support/free-port.ts";
import { serverTempDir } from "./cache.ts";
import { startedServer } from "./server-dir.ts";
import { KAFKA_LOG4J2, kafkaServerProperties, newClusterId } from "./kafka-config.ts";
import { ensureKafkaJars } from "./kafka-jars.ts";
import { kafkaIsReady } from "./kafka-ready.ts";
import { managedProcess, progress, type StartedServer } from "./managed-process.ts";
import { runCommand } from "./run-command.ts";
import { kafkaVersion } from "./versions.ts";

/** Restarts after stop() on the same port with the same data. */
export interface KafkaServer extends StartedServer {
  /** ['127.0.0.1:PORT'] */
  brokers: string[];
  version: string;
  port: number;
  dir: string;
}

export interface KafkaOptions {
  /** Defaults to $KAFKA_VERSION, else the pinned 4.x (versions.ts). */
  version?: string;
  readyTimeoutMs?: number;
}

/** A single-node KRaft Kafka (broker + controller) from Maven Central jars, on loopback. */
export async function startKafka(options: KafkaOptions = {}): Promise<KafkaServer> {
  const version = options.version ?? kafkaVersion();
  const lib = await ensureKafkaJars(version);
  const dir = serverTempDir("kafka");
  const ports = await freePorts(["broker", "controller"] as const);
  const brokers = [`127.0.0.1:${ports.broker}`];
  const properties = join(dir, "server.properties");
  const log4j = join(dir, "log4j2.properties");
  const dataDir = join(dir, "data");
  writeFileSync(properties, kafkaServerProperties(ports, dataDir));
  writeFileSync(log4j, KAFKA_LOG4J2);
  mkdirSync(dataDir);

  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const jvm = [
    "-Xms128m",
    "-Xmx512m",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${log4j}`,
    "-cp",
    join(lib, "*"),
  ];
  const began = performance.now();
  await runCommand(
    java,
    [...jvm, "kafka.tools.StorageTool", "format", "-t", newClusterId(), "-c", properties],
    { timeoutMs: 60_000 },
  );
  progress(
    `kafka ${version} storage formatted in ${((performance.now() - began) / 1000).toFixed(1)}s`,
  );

  const server = managedProcess({
    name: `kafka ${version} on ${brokers[0]}`,
    command: java,
    args: [...jvm, "kafka.Kafka", properties],
    logFile: join(dir, "kafka.log"),
    isReady: () => kafkaIsReady(brokers),
    readyTimeoutMs: options.readyTimeoutMs ?? 90_000,
    stopTimeoutMs: 30_000,
  });
  await server.start();
  return {
    brokers,
    version,
    port: ports.broker,
    dir,
    ...startedServer(server, dir),
  };
}
