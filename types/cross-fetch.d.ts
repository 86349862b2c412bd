// graphql-request (under weaviate-client) imports only the type of cross-fetch's fetch, and
// cross-fetch's own declarations start with `/// <reference lib="dom" />`, which would give every
// Node file the browser's globals. Node's global fetch has the same shape.
export const fetch: typeof globalThis.fetch;
export const Request: typeof globalThis.Request;
export const Response: typeof globalThis.Response;
export const Headers: typeof globalThis.Headers;
export default fetch;
