import type { Env, MiddlewareHandler, TypedResponse } from "hono";
import type * as z from "zod";
import { type Problem, parseWith, readJson } from "./problems.ts";

/**
 * `validator("json", …)` with this project's answers: hono's own reads only a JSON content type
 * and words its errors itself; this one reads like readJson (no content type is JSON, another one
 * is 415) and names the fields that fail the schema. It throws, so the app's error handler answers
 * and logs the rejection; the answers are declared so that typed clients (testClient) see them.
 */
export function jsonBody<S extends z.ZodType, E extends Env = Env>(
  schema: S,
  what?: string,
): MiddlewareHandler<
  E,
  string,
  { in: { json: z.input<S> }; out: { json: z.output<S> } },
  TypedResponse<Problem, 400 | 415, "json">
> {
  return async (c, next) => {
    c.req.addValidatedData("json", parseWith(schema, await readJson(c), what) as object);
    await next();
  };
}
