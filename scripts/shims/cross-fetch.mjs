// cross-fetch as the bundles see it: Node's own fetch. graphql-request (weaviate-client's GraphQL
// queries) imports cross-fetch, whose Node build is node-fetch 2 with whatwg-url and tr46: 350 KB
// more to load at cold start, and tr46 requires `punycode`, which Node 22 deprecates with a warning
// on stderr, a line that is not JSON among the function's logs.
export const fetch = globalThis.fetch;
export const Headers = globalThis.Headers;
export const Request = globalThis.Request;
export const Response = globalThis.Response;
export default fetch;
