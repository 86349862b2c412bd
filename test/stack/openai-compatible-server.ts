import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { HashingEmbedder } from "../../functions/shared/backends/embedder/hashing.ts";
import { tokenize } from "../../functions/shared/domain/analyzer.ts";

export interface OpenAiCompatibleServer {
  /** The OpenAI base URL, http://127.0.0.1:PORT/v1 — give it as OPENAI_BASE_URL. */
  baseUrl: string;
  apiKey: string;
  /** Every request received, answered or refused, in order. */
  requests: { path: string; body: unknown; status: number }[];
  /** The next `count` requests (to `path`, or to any path) answer `status` with Retry-After. */
  failNext(
    count: number,
    options?: { status?: number; retryAfterSeconds?: number; path?: string },
  ): void;
  /** The next `count` requests are answered only after `ms` (for client time-outs). */
  stallNext(count: number, ms: number): void;
  stop(): Promise<void>;
  /** Listens again on the same port after stop(). */
  start(): Promise<void>;
}

export interface OpenAiCompatibleServerOptions {
  /** Embedding size when a request does not ask for `dimensions`. */
  dimensions?: number;
  apiKey?: string;
}

interface Failure {
  remaining: number;
  status: number;
  retryAfterSeconds: number;
  path: string | undefined;
}

/**
 * A real HTTP server speaking the OpenAI wire format for /v1/embeddings and
 * /v1/chat/completions, deterministic so tests can assert on it: embeddings are the lexical
 * hashing embedder's, and a chat answer quotes the first sentence of the numbered source that
 * shares the most words with the question, citing it as [n], or says the sources do not answer.
 */
export async function startOpenAiCompatibleServer(
  options: OpenAiCompatibleServerOptions = {},
): Promise<OpenAiCompatibleServer> {
  const apiKey = options.apiKey ?? "sk-test-openai-compatible";
  const requests: OpenAiCompatibleServer["requests"] = [];
  let failure: Failure | undefined;
  let stall = { remaining: 0, ms: 0 };
  const app = new Hono();

  app.use("/v1/*", async (c, next) => {
    const body =
      c.req.method === "POST"
        ? await c.req.raw
            .clone()
            .json()
            .catch(() => undefined)
        : undefined;
    const record = { path: c.req.path, body, status: 0 };
    requests.push(record);
    if (c.req.header("authorization") !== `Bearer ${apiKey}`) {
      record.status = 401;
      return openAiError(
        c,
        401,
        "Incorrect API key provided.",
        "invalid_request_error",
        "invalid_api_key",
      );
    }
    if (stall.remaining > 0) {
      stall.remaining--;
      await new Promise((r) => setTimeout(r, stall.ms));
    }
    if (
      failure &&
      failure.remaining > 0 &&
      (failure.path === undefined || failure.path === c.req.path)
    ) {
      failure.remaining--;
      record.status = failure.status;
      c.header("retry-after", String(failure.retryAfterSeconds));
      const type =
        failure.status === 429
          ? "rate_limit_exceeded"
          : failure.status < 500
            ? "invalid_request_error"
            : "server_error";
      return openAiError(c, failure.status, `simulated ${failure.status} for a test`, type, type);
    }
    await next();
    record.status = c.res.status;
    return undefined;
  });

  app.post("/v1/embeddings", async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as
      | { model?: unknown; input?: unknown; dimensions?: unknown; encoding_format?: unknown }
      | undefined;
    const inputs = typeof body?.input === "string" ? [body.input] : body?.input;
    if (
      typeof body?.model !== "string" ||
      !Array.isArray(inputs) ||
      inputs.length === 0 ||
      !inputs.every((t) => typeof t === "string")
    ) {
      return openAiError(
        c,
        400,
        "'model' and 'input' (a string or an array of strings) are required.",
        "invalid_request_error",
        null,
      );
    }
    const dimensions =
      typeof body.dimensions === "number" ? body.dimensions : (options.dimensions ?? 64);
    const embedder = new HashingEmbedder(dimensions);
    const base64 = body.encoding_format === "base64";
    const tokens = inputs.reduce((sum: number, text: string) => sum + tokenize(text).length, 0);
    return c.json({
      object: "list",
      model: body.model,
      data: inputs.map((text: string, index: number) => {
        const vector = embedder.embedOne(text);
        return {
          object: "embedding",
          index,
          embedding: base64
            ? Buffer.from(new Float32Array(vector).buffer).toString("base64")
            : vector,
        };
      }),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  });

  app.post("/v1/chat/completions", async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as
      | { model?: unknown; messages?: { role: string; content: string }[] }
      | undefined;
    if (
      typeof body?.model !== "string" ||
      !Array.isArray(body.messages) ||
      body.messages.length === 0
    ) {
      return openAiError(
        c,
        400,
        "'model' and a non-empty 'messages' array are required.",
        "invalid_request_error",
        null,
      );
    }
    const prompt = body.messages.map((m) => m.content).join("\n");
    const content = groundedAnswer(body.messages.at(-1)!.content);
    const promptTokens = tokenize(prompt).length;
    const completionTokens = tokenize(content).length;
    return c.json({
      id: `chatcmpl-${requests.length}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: `${body.model}-compatible-test`,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content, refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  });

  const listen = async (port: number) => {
    const listening = serve({ fetch: app.fetch, hostname: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      listening.once("listening", resolve);
      listening.once("error", reject);
    });
    return listening;
  };
  let server = await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    failNext(count, { status = 429, retryAfterSeconds = 1, path } = {}) {
      failure = { remaining: count, status, retryAfterSeconds, path };
    },
    stallNext(count, ms) {
      stall = { remaining: count, ms };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
    start: async () => {
      server = await listen(port);
    },
  };
}

function openAiError(
  c: Context,
  status: number,
  message: string,
  type: string,
  code: string | null,
) {
  return c.json({ error: { message, type, param: null, code } }, status as 400);
}

/** Reads "[n] title\ncontent" blocks and a "Question:" line, as the answerer's prompt writes them. */
function groundedAnswer(userMessage: string): string {
  const question = /Question:\s*([\s\S]*)$/.exec(userMessage)?.[1] ?? "";
  const questionWords = new Set(tokenize(question).filter((w) => w.length > 3));
  const sources = [
    ...userMessage.matchAll(/^\[(\d+)\][^\n]*\n([\s\S]*?)(?=\n\n\[\d+\]|\n\nQuestion:)/gm),
  ].map((m) => ({
    n: Number(m[1]),
    content: m[2]!.trim(),
  }));
  let best: { n: number; content: string; shared: number } | undefined;
  for (const source of sources) {
    const shared = new Set(tokenize(source.content).filter((w) => questionWords.has(w))).size;
    if (shared > 0 && (!best || shared > best.shared)) best = { ...source, shared };
  }
  if (!best) return "The indexed documents do not answer the question.";
  const sentence = best.content.split(/(?<=[.!?])\s+/)[0]!;
  return `${sentence} [${best.n}]`;
}
