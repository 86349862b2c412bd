import fc from "fast-check";
import type { RawRequest } from "./raw-http.ts";

export type Service = "ingest" | "index-document" | "embed" | "search";

export interface FuzzRequest extends RawRequest {
  service: Service;
}

const ENDPOINTS: { service: Service; method: "GET" | "POST"; path: string }[] = [
  { service: "ingest", method: "POST", path: "/ingest" },
  { service: "ingest", method: "POST", path: "/" },
  { service: "index-document", method: "POST", path: "/" },
  { service: "embed", method: "POST", path: "/embed" },
  { service: "embed", method: "POST", path: "/v1/embeddings" },
  { service: "search", method: "POST", path: "/search" },
  { service: "search", method: "GET", path: "/namespaces" },
  { service: "search", method: "POST", path: "/api/ingest" },
];

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/cloudevents+json",
  "application/cloudevents+json; charset=utf-8",
  "text/plain",
  "text/markdown",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
  "garbage",
];

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("", " ", "default", "docs", "a".repeat(129), "../x", "\u0000"),
);
const anything = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
/** Objects with the fields the four functions read, each valid, wrong-typed or absent. */
const FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  text,
  query: text,
  input: fc.oneof(text, fc.array(text, { maxLength: 5 })),
  namespace: fc.constantFrom("default", "fuzz", "No_Way", ""),
  id: fc.constantFrom("doc-1", "fuzz-2", "../../etc/passwd", "a".repeat(200), "a:b:c"),
  metadata: fc.dictionary(text, text, { maxKeys: 5 }),
  mode: fc.constantFrom("hybrid", "vector", "keyword", "bm25", "other"),
  top_k: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double()),
  alpha: fc.double(),
  document_id: fc.constantFrom("doc-1", "fuzz-2", ""),
  bucket: fc.constantFrom("documents", "other"),
  key: fc.constantFrom(
    "default/doc-1.json",
    "../../etc/passwd",
    "default/",
    "default",
    "a\u0000b",
    `default/${"k".repeat(300)}`,
  ),
  sha256: fc.constantFrom("a".repeat(64), "not-a-hash"),
  size: fc.integer({ min: -1, max: 10_000 }),
  specversion: fc.constantFrom("1.0", "0.3", "2.0", "", "1"),
  type: fc.constantFrom("rag.document.submitted", "rag.document.stored", "other"),
  source: text,
  time: fc.constantFrom("2026-12-01T03:04:05Z", "yesterday", "2026-13-45T00:00:00Z"),
  data: fc.jsonValue({ maxDepth: 3 }),
  data_base64: fc.constantFrom(Buffer.from('{"text":"hi"}').toString("base64"), "not base64!", ""),
  encoding_format: fc.constantFrom("float", "base64", "other"),
  dimensions: fc.integer({ min: -1, max: 5000 }),
};
const shapedObject = fc.record(
  Object.fromEntries(
    Object.entries(FIELDS).map(([name, valid]) => [
      name,
      fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anything }),
    ]),
  ),
  { requiredKeys: [] },
);

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

/** Bodies: JSON of every shape, deep and huge values, truncated JSON, invalid UTF-8, raw bytes. */
const body: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: shapedObject.map((o) => utf8(JSON.stringify(o))) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => utf8(JSON.stringify(v))) },
  {
    weight: 2,
    arbitrary: fc.tuple(shapedObject, fc.nat()).map(([o, n]) => {
      const s = JSON.stringify(o);
      return utf8(s.slice(0, n % (s.length + 1)));
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 200_000 })
      .map((n) => utf8(`${"[".repeat(n)}${"]".repeat(n)}`)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 20_000 })
      .map((n) => utf8(`${'{"data":'.repeat(n)}1${"}".repeat(n)}`)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom("text", "query", "input", "data", "metadata"),
        fc.integer({ min: 1, max: 3 * 1024 * 1024 }),
        fc.constantFrom("x", "é", "\\u0041", " "),
      )
      .map(([field, n, unit]) =>
        utf8(`{"${field}": "${unit.repeat(Math.ceil(n / unit.length))}"}`),
      ),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map(
        (bad) =>
          new Uint8Array(
            Buffer.concat([
              Buffer.from('{"text": "'),
              Buffer.from(bad.map((b) => b | 0x80)),
              Buffer.from('", "query": "q"}'),
            ]),
          ),
      ),
  },
);

const HOSTILE: unknown[] = [
  "",
  " ",
  null,
  0,
  -1,
  1e308,
  true,
  [],
  {},
  [[[[[]]]]],
  "../../etc/passwd",
  "default/",
  "default",
  "a\u0000b",
  "\ud800",
  "k".repeat(300),
  "x".repeat(300 * 1024),
  "yesterday",
  "2.0",
  "not base64!",
  { nested: { deeper: ["x"] } },
];

/** A valid body for each endpoint: a mutation of one of its fields reaches the code behind validation. */
const TEMPLATES: Record<string, () => Record<string, unknown>> = {
  "ingest /ingest": () => ({
    text: "A document about scaling to zero.",
    metadata: { title: "T" },
    namespace: "fuzz",
    id: "doc-1",
  }),
  "ingest /": () => ({
    specversion: "1.0",
    id: "e-1",
    source: "/fuzz",
    type: "rag.document.submitted",
    datacontenttype: "application/json",
    data: { text: "An event document.", namespace: "fuzz", id: "doc-2" },
  }),
  "index-document /": () => ({
    specversion: "1.0",
    id: "e-2",
    source: "knative-rag/ingest",
    type: "rag.document.stored",
    datacontenttype: "application/json",
    time: "2026-12-01T03:04:05Z",
    data: {
      document_id: "doc-1",
      namespace: "fuzz",
      bucket: "documents",
      key: "fuzz/doc-1.json",
      sha256: "a".repeat(64),
      size: 10,
      metadata: {},
    },
  }),
  "embed /embed": () => ({ input: ["a text", "another text"] }),
  "embed /v1/embeddings": () => ({ input: "a text", model: "m", encoding_format: "float" }),
  "search /search": () => ({
    query: "scaling to zero",
    namespace: "fuzz",
    mode: "hybrid",
    top_k: 5,
    alpha: 0.5,
  }),
  "search /api/ingest": () => ({ text: "From the page.", namespace: "fuzz" }),
};

function mutate(
  value: Record<string, unknown>,
  path: string[],
  replacement: unknown,
  remove: boolean,
): Record<string, unknown> {
  const [head, ...rest] = path;
  const copy = { ...value };
  if (rest.length === 0 || typeof copy[head!] !== "object" || copy[head!] === null) {
    if (remove) delete copy[head!];
    else copy[head!] = replacement;
  } else copy[head!] = mutate(copy[head!] as Record<string, unknown>, rest, replacement, remove);
  return copy;
}

function paths(value: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(value).flatMap(([key, v]) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length > 0
      ? [[...prefix, key], ...paths(v as Record<string, unknown>, [...prefix, key])]
      : [[...prefix, key]],
  );
}

/** The endpoint's valid body with one field replaced by a hostile value, or removed. */
function nearValid(endpoint: string): fc.Arbitrary<Uint8Array> | undefined {
  const template = TEMPLATES[endpoint];
  if (!template) return undefined;
  const fields = paths(template());
  return fc
    .record({
      path: fc.constantFrom(...fields),
      replacement: fc.oneof(fc.constantFrom(...HOSTILE), anything),
      remove: fc.boolean(),
    })
    .map(({ path, replacement, remove }) =>
      utf8(JSON.stringify(mutate(template(), path, replacement, remove))),
    );
}

const ceHeaders = fc.record(
  {
    "ce-specversion": fc.constantFrom("1.0", "0.3", "2.0", "1"),
    "ce-id": fc.constantFrom("e-1", "", "x".repeat(300)),
    "ce-source": fc.constantFrom("/fuzz", "knative-rag/ingest", ""),
    "ce-type": fc.constantFrom("rag.document.submitted", "rag.document.stored", "other"),
    "ce-time": fc.constantFrom("2026-12-01T03:04:05Z", "yesterday"),
    "ce-traceparent": fc.constantFrom(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "garbage",
    ),
  },
  { requiredKeys: [] },
);

const extraHeaders = fc.record(
  {
    traceparent: fc.constantFrom(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-zz-00",
      "",
    ),
    "idempotency-key": fc.constantFrom("k-1", "x".repeat(500)),
    origin: fc.constantFrom(
      "http://evil.example",
      "null",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ),
    "x-requested-with": fc.constant("knative-rag"),
  },
  { requiredKeys: [] },
);

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .constantFrom(...ENDPOINTS)
  .chain((endpoint) => {
    const shaped = nearValid(`${endpoint.service} ${endpoint.path}`);
    const cloudEvent = endpoint.path === "/" && endpoint.method === "POST";
    return fc.record({
      endpoint: fc.constant(endpoint),
      body: shaped
        ? fc.oneof({ weight: 1, arbitrary: body }, { weight: 1, arbitrary: shaped })
        : body,
      contentType: cloudEvent
        ? fc.oneof(
            { weight: 2, arbitrary: fc.constant("application/cloudevents+json") },
            { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
          )
        : fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES.slice(0, 4)) },
            { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
          ),
      ce: fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: ceHeaders },
      ),
      extra: extraHeaders,
      transfer: fc.constantFrom("length" as const, "chunked" as const),
      chunkSize: fc.integer({ min: 1, max: 256 * 1024 }),
      abortAt: fc.oneof(
        { weight: 15, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.nat() },
      ),
    });
  })
  .map(({ endpoint, contentType, ce, extra, body, transfer, chunkSize, abortAt }) => ({
    service: endpoint.service,
    method: endpoint.method,
    path: endpoint.path,
    headers: Object.fromEntries(
      Object.entries({
        ...(contentType ? { "content-type": contentType } : {}),
        ...ce,
        ...extra,
      }).filter(([, v]) => v !== undefined && v !== ""),
    ) as Record<string, string>,
    body,
    // Many one-byte chunks of a megabyte would test the client's patience, not the server.
    transfer,
    chunkSize: Math.max(chunkSize, Math.ceil(body.byteLength / 64)),
    ...(abortAt !== undefined && body.byteLength > 0
      ? { abortAfter: abortAt % body.byteLength }
      : {}),
  }));

/** A short description that reproduces the case by eye. */
export function describeRequest(r: FuzzRequest): string {
  const preview = Buffer.from(r.body.subarray(0, 160)).toString("utf8");
  return `${r.method} ${r.service}${r.path} ${JSON.stringify(r.headers)} ${r.transfer}/${r.chunkSize}${r.abortAfter !== undefined ? ` aborted after ${r.abortAfter}` : ""} body(${r.body.byteLength} bytes): ${JSON.stringify(preview)}`;
}
