import type { Context, MiddlewareHandler } from "hono";
import { HttpProblem } from "../runtime/problems.ts";
import { type Access, type ApiKeys, type Grant, mayAccess } from "./api-keys.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** Who is calling and what they may do; every authenticated route has it. */
    grant: Grant;
  }
}

const REALM = 'Bearer realm="knative-rag"';

/** With no keys configured, everyone may do everything: the laptop default. */
export const OPEN_ACCESS: Grant = { name: "anonymous", namespaces: "*", read: true, write: true };

/**
 * `Authorization: Bearer <API key>` on a route: 401 + WWW-Authenticate (RFC 6750) when missing or
 * unknown. Which namespaces the key may use is the route's question, asked with `authorize()`
 * once it knows the namespace.
 */
export function authenticate(keys: ApiKeys): MiddlewareHandler {
  return async (c, next) => {
    if (!keys.enabled) {
      c.set("grant", OPEN_ACCESS);
      return next();
    }
    const header = c.req.header("authorization");
    if (header === undefined) {
      c.header("WWW-Authenticate", REALM);
      throw new HttpProblem(401, "an API key is required: send Authorization: Bearer <API key>");
    }
    const token = /^Bearer +(\S+)\s*$/i.exec(header)?.[1];
    if (token === undefined) {
      c.header("WWW-Authenticate", `${REALM}, error="invalid_request"`);
      throw new HttpProblem(401, "the Authorization header must be Bearer <API key>");
    }
    const grant = keys.find(token);
    if (!grant) {
      c.header("WWW-Authenticate", `${REALM}, error="invalid_token"`);
      throw new HttpProblem(401, "the API key is not valid");
    }
    c.set("grant", grant);
    return next();
  };
}

/** 403 unless the caller's key may read/write `namespace`. */
export function authorize(c: Context, namespace: string, access: Access): void {
  const grant = grantOf(c);
  if (!mayAccess(grant, namespace, access)) {
    throw new HttpProblem(
      403,
      `API key "${grant.name}" may not ${access} namespace "${namespace}"`,
    );
  }
}

/** A route's 403 for keys that may not read/write any namespace, before the namespace is known. */
export function requireAccess(access: Access): MiddlewareHandler {
  return async (c, next) => {
    const grant = grantOf(c);
    if (!grant[access])
      throw new HttpProblem(403, `API key "${grant.name}" may not ${access} any namespace`);
    return next();
  };
}

/** Only the namespaces the caller may read. */
export function readableBy<T extends { namespace: string }>(c: Context, namespaces: T[]): T[] {
  const grant = grantOf(c);
  return namespaces.filter((n) => mayAccess(grant, n.namespace, "read"));
}

function grantOf(c: Context): Grant {
  const grant = c.get("grant");
  // A route that asks without authenticate() in front of it is a bug, not an anonymous caller.
  if (!grant) throw new Error(`route ${c.req.path} checks access without authenticate()`);
  return grant;
}
