import { startFunctionProcess } from "../support/function-process.ts";
import { runtimeContractSuite } from "./support/runtime-contract-suite.ts";
import { assertBuilt } from "./support/span-collector.ts";

// The bundles as bare processes; test/cluster/images runs the same suite against the images.
runtimeContractSuite({
  what: "bundles as processes",
  prepare: assertBuilt,
  start: startFunctionProcess,
});
