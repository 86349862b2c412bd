// The types of cross-fetch.mjs, given to tsc by tsconfig paths as esbuild is given the module by
// an alias: cross-fetch's own declarations start with `/// <reference lib="dom" />`, which gave
// every Node file the browser's globals.
export const fetch: typeof globalThis.fetch;
export const Request: typeof globalThis.Request;
export const Response: typeof globalThis.Response;
export const Headers: typeof globalThis.Headers;
export default fetch;
