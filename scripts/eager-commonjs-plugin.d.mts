import type { Plugin } from "esbuild";
export const eagerCommonJs: Plugin;
export function eagerCommonJsWrappers(code: string): string;
