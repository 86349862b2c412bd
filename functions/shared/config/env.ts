import * as z from "zod";

/** The parsed settings of an env shape, so each setting is declared once: in its zod shape. */
export type Settings<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Variables whose value is never printed, even when it is invalid. */
const SECRET_VARIABLE = /(^|_)(KEYS?|TOKEN|SECRET|PASSWORD)(_|$)/;

/**
 * Parses environment variables with a zod object schema. Every problem names the variable,
 * so a bad setting fails at start-up with e.g. `PORT: expected a number, got "abc"`.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  // jitless: the environment is parsed once, so compiling zod's fast path (new Function) for it
  // would cost more at start-up than it saves.
  const result = schema.safeParse(env, { jitless: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    // A list variable (KAFKA_BROKERS) reports the bad entry at a deeper path: name the variable.
    const [variable = "", ...entry] = issue.path.map(String);
    const value = env[variable];
    const shown =
      value === undefined
        ? "(unset)"
        : SECRET_VARIABLE.test(variable)
          ? "(set, value not shown)"
          : JSON.stringify(value);
    return `  ${variable}=${shown}: ${entry.length > 0 ? `entry ${entry.join(".")}: ` : ""}${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

/** An integer env var with bounds; empty strings count as unset. */
export function intVar(defaultValue: number, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(min).max(max).default(defaultValue),
  );
}

export function numberVar(defaultValue: number, min: number, max: number) {
  return z.preprocess(emptyToUndefined, z.coerce.number().min(min).max(max).default(defaultValue));
}

export function boolVar(defaultValue: boolean) {
  return z.preprocess(
    emptyToUndefined,
    z
      .enum(["true", "false", "1", "0", "yes", "no"], { message: "expected true or false" })
      .default(defaultValue ? "true" : "false")
      .transform((v) => v === "true" || v === "1" || v === "yes"),
  );
}

export function stringVar(defaultValue: string) {
  return z.preprocess(emptyToUndefined, z.string().default(defaultValue));
}

export function optionalString() {
  return z.preprocess(emptyToUndefined, z.string().optional());
}

export function urlVar() {
  return z.preprocess(emptyToUndefined, z.url({ message: "expected an absolute URL" }));
}

export function optionalUrl() {
  return z.preprocess(emptyToUndefined, z.url({ message: "expected an absolute URL" }).optional());
}

export function enumVar<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue: T[number],
) {
  return z.preprocess(emptyToUndefined, z.enum(values).default(defaultValue as never));
}

/**
 * A variable that was renamed: setting it stops start-up with a message naming its replacement,
 * rather than being ignored while the function runs with the replacement's default.
 */
export function renamedVar(replacement: string) {
  return z.preprocess(
    emptyToUndefined,
    z.undefined({ message: `renamed: set ${replacement} instead` }),
  );
}

function emptyToUndefined(value: unknown) {
  return value === "" ? undefined : value;
}
