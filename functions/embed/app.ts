import * as z from "zod";
import type { Cache } from "../shared/backends/cache/index.ts";
import { InstrumentedCache } from "../shared/backends/cache/instrumented-cache.ts";
import type { Embedder } from "../shared/backends/embedder/index.ts";
import { InstrumentedEmbedder } from "../shared/backends/embedder/instrumented-embedder.ts";
import type { EmbedResponse } from "../shared/embed-client.ts";
import { JSON_ESCAPE_BYTES, sha256Hex } from "../shared/domain/document.ts";
import { createFunctionApp } from "../shared/runtime/function-app.ts";
import type { Logger } from "../shared/runtime/logger.ts";
import { jsonBody } from "../shared/runtime/json-body.ts";
import { HttpProblem } from "../shared/runtime/problems.ts";
import { bodyLimit } from "../shared/runtime/body-limit.ts";

export interface EmbedDependencies {
  embedder: Embedder;
  cache: Cache;
  logger: Logger;
  cacheTtlSeconds: number;
  maxInputs: number;
  maxInputChars: number;
  /** Characters of all inputs of one request together: bounds its memory and CPU. */
  maxRequestChars: number;
}

const inputSchema = z.union(
  [z.string(), z.array(z.string()).min(1, { message: "input must not be an empty array" })],
  {
    message: "input must be a string or an array of strings",
  },
);

const embedRequestSchema = z.object({ input: inputSchema });

/** The OpenAI embeddings request, minus token-array inputs, which we do not accept. */
const openAiRequestSchema = z.object({
  input: inputSchema,
  model: z.string().optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

/** embed: texts in, vectors out, with a per-text cache keyed by model, dimensions and content. */
export function createEmbedApp(deps: EmbedDependencies) {
  // Counted in characters, however the JSON escapes them; each input adds its quotes and comma.
  const maxBodyBytes = JSON_ESCAPE_BYTES * deps.maxRequestChars + 4 * deps.maxInputs + 4096;
  const app = createFunctionApp({
    logger: deps.logger,
    maxBodyBytes,
  });
  const embedder = new InstrumentedEmbedder(deps.embedder);
  const cache = new InstrumentedCache<number[]>(deps.cache, {
    name: "embedding",
    logger: deps.logger,
    ttlSeconds: deps.cacheTtlSeconds,
    unavailableMessage: "embedding cache unavailable, embedding without it",
  });

  // Chained, so that the app's type carries its routes (hono/client, testClient).
  const routes = app
    .post("/embed", bodyLimit(maxBodyBytes), jsonBody(embedRequestSchema), async (c) => {
      const texts = validateTexts(c.req.valid("json").input);
      const { embeddings, cached } = await embedWithCache(texts);
      const body: EmbedResponse = {
        model: embedder.model,
        dimensions: embedder.dimensions,
        embeddings,
        cached,
      };
      return c.json(body, 200);
    })
    .post("/v1/embeddings", bodyLimit(maxBodyBytes), jsonBody(openAiRequestSchema), async (c) => {
      const request = c.req.valid("json");
      if (request.dimensions !== undefined && request.dimensions !== embedder.dimensions) {
        throw new HttpProblem(
          400,
          `dimensions: this server embeds with ${embedder.dimensions} dimensions, not ${request.dimensions}`,
        );
      }
      const texts = validateTexts(request.input);
      const { embeddings } = await embedWithCache(texts);
      const tokens = texts.reduce((sum, t) => sum + Math.ceil(t.length / 4), 0);
      return c.json(
        {
          object: "list",
          model: embedder.model,
          data: embeddings.map((embedding, index) => ({
            object: "embedding",
            index,
            embedding:
              request.encoding_format === "base64"
                ? Buffer.from(new Float32Array(embedding).buffer).toString("base64")
                : embedding,
          })),
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        },
        200,
      );
    });

  function validateTexts(input: string | string[]): string[] {
    const texts = typeof input === "string" ? [input] : input;
    if (texts.length > deps.maxInputs)
      throw new HttpProblem(400, `input: at most ${deps.maxInputs} texts per request`);
    let total = 0;
    texts.forEach((text, i) => {
      if (text.length === 0) throw new HttpProblem(400, `input[${i}]: must not be empty`);
      if (text.length > deps.maxInputChars)
        throw new HttpProblem(413, `input[${i}]: longer than ${deps.maxInputChars} characters`);
      total += text.length;
    });
    if (total > deps.maxRequestChars)
      throw new HttpProblem(
        413,
        `input: ${total} characters in all; at most ${deps.maxRequestChars} per request`,
      );
    return texts;
  }

  async function embedWithCache(
    texts: string[],
  ): Promise<{ embeddings: number[][]; cached: number }> {
    const keys = texts.map(
      (text) => `emb:${embedder.model}:${embedder.dimensions}:${sha256Hex(text)}`,
    );
    const fromCache = await cache.getMany(keys);
    const missing = texts.flatMap((text, i) => (fromCache[i] === undefined ? [{ text, i }] : []));
    const embeddings = fromCache.slice() as (number[] | undefined)[];
    if (missing.length > 0) {
      const fresh = await embedder.embed(missing.map((m) => m.text));
      missing.forEach((m, j) => {
        embeddings[m.i] = fresh[j]!;
      });
      await cache.setMany(missing.map((m, j) => [keys[m.i]!, fresh[j]!]));
    }
    return { embeddings: embeddings as number[][], cached: texts.length - missing.length };
  }

  return routes;
}

export type EmbedApp = ReturnType<typeof createEmbedApp>;
