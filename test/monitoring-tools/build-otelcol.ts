// Builds the collector that test/cluster/otelcol-validate.test.ts runs (otelcol-builder.yaml)
// into ~/.cache/knative-rag, and says how long it took. Usage: node --import tsx test/monitoring-tools/build-otelcol.ts
import { fileURLToPath } from "node:url";
import { ensureOtelcolBinary } from "../stack/otelcol-binary.ts";

const started = performance.now();
const { binary, version } = await ensureOtelcolBinary(
  fileURLToPath(new URL("./otelcol-builder.yaml", import.meta.url)),
);
console.log(
  `otelcol-validate ${version}: ${binary} ready after ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
