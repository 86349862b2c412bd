import type { Plugin } from "esbuild";
export const otelEsm: Plugin;
