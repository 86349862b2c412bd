import { existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stackCacheDir } from "./cache.ts";
import { progress } from "./managed-process.ts";
import { runCommand } from "./run-command.ts";

const POM = fileURLToPath(new URL("./kafka/pom.xml", import.meta.url));

/** The dir of a Kafka broker's runtime jars, resolved from Maven Central once and cached. */
export async function ensureKafkaJars(version: string): Promise<string> {
  const lib = join(stackCacheDir(`kafka-${version}`), "lib");
  if (existsSync(join(lib, `kafka_2.13-${version}.jar`))) return lib;
  const began = performance.now();
  progress(`resolving Kafka ${version} jars from Maven into ${lib}`);
  // Copied aside then renamed, so an interrupted download is never taken for a complete one.
  const staging = `${lib}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  await runCommand(
    "mvn",
    [
      "-q",
      "-B",
      "-f",
      POM,
      "dependency:copy-dependencies",
      `-Dkafka.version=${version}`,
      `-DoutputDirectory=${staging}`,
      "-DincludeScope=runtime",
    ],
    { timeoutMs: 10 * 60_000 },
  );
  rmSync(lib, { recursive: true, force: true });
  renameSync(staging, lib);
  progress(`Kafka ${version} jars resolved in ${((performance.now() - began) / 1000).toFixed(1)}s`);
  return lib;
}
