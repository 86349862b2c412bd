import { request } from "node:http";

export interface RawRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** "length": one write with Content-Length; "chunked": Transfer-Encoding chunked, in pieces of `chunkSize`. */
  transfer: "length" | "chunked";
  chunkSize: number;
  /** Send this many bytes of the body and then drop the connection (a client that dies mid-upload). */
  abortAfter?: number;
}

export type RawOutcome =
  | { kind: "answered"; status: number; body: string }
  | { kind: "aborted" }
  | { kind: "no answer"; error: string };

/**
 * One request over a fresh connection, exactly as described (node:http, so chunking and
 * truncation are real). Resolves "no answer" when nothing came back within `boundMs`: a hang.
 */
export function sendRaw(baseUrl: string, raw: RawRequest, boundMs: number): Promise<RawOutcome> {
  const target = new URL(baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const headers: Record<string, string | number> = { ...raw.headers, connection: "close" };
    if (raw.method === "POST" && raw.transfer === "length")
      headers["content-length"] = raw.body.byteLength;
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: raw.method,
        path: raw.path,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          settle({
            kind: "answered",
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", (error) => settle({ kind: "no answer", error: String(error) }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      settle({ kind: "no answer", error: `no answer within ${boundMs} ms` });
    }, boundMs);
    // The server may answer (413, 415) and close before the whole body is sent: that is an answer.
    req.on("error", (error) =>
      setTimeout(
        () =>
          settle(
            raw.abortAfter !== undefined
              ? { kind: "aborted" }
              : { kind: "no answer", error: String(error) },
          ),
        50,
      ),
    );
    if (raw.method === "GET") return void req.end();
    const body = raw.abortAfter !== undefined ? raw.body.subarray(0, raw.abortAfter) : raw.body;
    if (raw.transfer === "length" && raw.abortAfter === undefined) return void req.end(body);
    const step = Math.max(1, raw.chunkSize);
    for (let offset = 0; offset < body.byteLength; offset += step)
      req.write(body.subarray(offset, offset + step));
    if (raw.abortAfter !== undefined) {
      // Give the bytes a moment on the wire, then drop the connection without finishing the request.
      setTimeout(() => {
        req.destroy();
        settle({ kind: "aborted" });
      }, 5);
      return;
    }
    req.end();
  });
}
