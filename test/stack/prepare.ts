// Fetches and builds, ahead of the tests, everything the stack servers need that a fresh machine
// lacks beyond its Debian packages: Kafka's jars, the Weaviate binary, the moto venv, the test
// OpenTelemetry Collector (built with the collector builder). Cached, so a
// second run only checks. Called by .ci/install-stack.sh; `node --import tsx test/stack/prepare.ts`.
import { ensureKafkaJars } from "./kafka-jars.ts";
import { progress } from "./managed-process.ts";
import { ensureMotoServer } from "./moto.ts";
import { ensureOtelcolBinary } from "./otelcol-binary.ts";
import { MOTO_VERSION, WEAVIATE_VERSION, kafkaVersion } from "./versions.ts";
import { ensureWeaviateBinary } from "./weaviate-binary.ts";

async function timed(what: string, step: () => Promise<string>): Promise<void> {
  const began = performance.now();
  const where = await step();
  progress(`${what}: ${where} (${((performance.now() - began) / 1000).toFixed(1)}s)`);
}

// One at a time: the Go build alone keeps both cores busy.
await timed(`kafka ${kafkaVersion()} jars`, () => ensureKafkaJars(kafkaVersion()));
await timed(`weaviate ${WEAVIATE_VERSION}`, () => ensureWeaviateBinary(WEAVIATE_VERSION));
await timed(`moto ${MOTO_VERSION}`, () => ensureMotoServer(MOTO_VERSION));
await timed("otelcol (collector builder)", async () => (await ensureOtelcolBinary()).binary);
