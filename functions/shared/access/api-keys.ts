import { createHash, timingSafeEqual } from "node:crypto";
import * as z from "zod";

export type Access = "read" | "write";

/** What one API key may do: read and/or write, in all namespaces ("*") or in the listed ones. */
export interface Grant {
  name: string;
  namespaces: "*" | ReadonlySet<string>;
  read: boolean;
  write: boolean;
}

interface ApiKey extends Grant {
  /** sha256 of the secret: equal-length digests compare in constant time whatever the secret's length. */
  digest: Buffer;
}

/** The configured keys; none means authentication is off (the laptop default). */
export class ApiKeys {
  private readonly keys: readonly ApiKey[];

  constructor(keys: readonly (Grant & { secret: string })[] = []) {
    this.keys = keys.map(({ secret, ...grant }) => ({ ...grant, digest: sha256(secret) }));
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** The key whose secret is `token`. Every key is compared, so the time taken says nothing about which matched. */
  find(token: string): Grant | undefined {
    const digest = sha256(token);
    let found: ApiKey | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(digest, key.digest)) found ??= key;
    }
    if (!found) return undefined;
    const { digest: _digest, ...grant } = found;
    return grant;
  }
}

export function mayAccess(grant: Grant, namespace: string, access: Access): boolean {
  return grant[access] && (grant.namespaces === "*" || grant.namespaces.has(namespace));
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SECRET = /^[A-Za-z0-9._~+/=-]{16,}$/;
const NAMESPACE = /^[a-z0-9-]{1,63}$/;
const ACCESS = {
  r: { read: true, write: false },
  w: { read: false, write: true },
  rw: { read: true, write: true },
} as const;

/**
 * API_KEYS: `name:secret:namespaces:access` entries separated by `;` or newlines, e.g.
 * `ci:Zq3…:docs,wiki:rw; page:Hx8…:*:r`. namespaces is `*` or a comma-separated list; access is
 * r, w or rw. A bad entry fails start-up naming its position and name, never its secret.
 */
export function apiKeysVar() {
  return z.preprocess(
    (value) => (value === undefined ? "" : value),
    z.string().transform((spec, ctx) => {
      const entries = spec
        .split(/[;\n]/)
        .map((e) => e.trim())
        .filter(Boolean);
      const keys: (Grant & { secret: string })[] = [];
      entries.forEach((entry, i) => {
        const problem = (message: string) =>
          ctx.addIssue({ code: "custom", path: [i + 1], message });
        const fields = entry.split(":").map((f) => f.trim());
        const [name = "", secret = "", namespaces = "", access = ""] = fields;
        const label = NAME.test(name) ? `key "${name}"` : "this key";
        if (fields.length !== 4)
          return problem(
            `expected name:secret:namespaces:access (4 fields separated by ":"), got ${fields.length} fields`,
          );
        if (!NAME.test(name)) return problem("name must be 1–64 characters of A-Z a-z 0-9 . _ -");
        if (!SECRET.test(secret))
          return problem(
            `${label}: secret must be at least 16 characters of A-Z a-z 0-9 . _ ~ + / = - (e.g. openssl rand -hex 32)`,
          );
        const list = namespaces === "*" ? "*" : namespaces.split(",").map((n) => n.trim());
        const badNamespace = list === "*" ? undefined : list.find((n) => !NAMESPACE.test(n));
        if (badNamespace !== undefined)
          return problem(
            `${label}: namespace "${badNamespace}" must match ^[a-z0-9-]{1,63}$ (or use * for all)`,
          );
        if (!(access in ACCESS))
          return problem(`${label}: access must be r, w or rw, got "${access}"`);
        if (keys.some((k) => k.name === name)) return problem(`${label} is listed twice`);
        if (keys.some((k) => k.secret === secret))
          return problem(
            `${label} has the same secret as key "${keys.find((k) => k.secret === secret)!.name}"`,
          );
        keys.push({
          name,
          secret,
          namespaces: list === "*" ? "*" : new Set(list),
          ...ACCESS[access as keyof typeof ACCESS],
        });
      });
      return new ApiKeys(keys);
    }),
  );
}
