// Core Kubernetes and Knative objects, checked two ways with kubernetes-models:
//  1. the model's validate(): required fields, types, enums, formats — but it accepts unknown
//     fields (its generated schemas have no additionalProperties: false; checked in the tests);
//  2. a type check of the object literal against the model's TypeScript interface (IService,
//     IDeployment, …) with the TypeScript compiler: excess-property checking rejects every field
//     the API does not define, at any depth — what `kubectl apply --validate=strict` would do.
import path from "node:path";
import ts from "typescript";
import { repoRoot, type K8sObject } from "./repo.ts";

const KNATIVE_GROUPS = new Set([
  "serving.knative.dev",
  "eventing.knative.dev",
  "sources.knative.dev",
  "messaging.knative.dev",
  "flows.knative.dev",
]);

/** The kubernetes-models module for an apiVersion ("apps/v1" -> "kubernetes-models/apps/v1"). */
export function modelModule(apiVersion: string): string | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}`;
  if (KNATIVE_GROUPS.has(group!)) return `@kubernetes-models/knative/${group}/${version}`;
  if (group!.includes(".") && !group!.endsWith(".k8s.io")) return undefined;
  return `kubernetes-models/${group}/${version}`;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** Runs the model's validate(); returns error messages (empty when valid or no model exists). */
export async function validateWithModel(object: K8sObject): Promise<string[] | undefined> {
  const base = modelModule(object.apiVersion);
  if (!base) return undefined;
  let exports: Record<string, unknown>;
  try {
    exports = (await import(`${base}/${object.kind}`)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const Model = exports[object.kind] as ModelClass | undefined;
  if (!Model) return undefined;
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [String(error instanceof Error ? error.message : error)];
  }
}

export interface TypeCheckItem {
  /** The type to check against: a module and an exported interface name. */
  module: string;
  typeName: string;
  value: unknown;
}

/**
 * Type-checks each value against its interface in one in-memory TypeScript program.
 * Returns, per item, the compiler's messages (empty when the literal fits the type).
 */
export function typeCheck(items: TypeCheckItem[]): string[][] {
  const virtual = path.join(repoRoot, "test", "deploy", "__manifests__.ts");
  const imports = new Map<string, string>();
  const lines: string[] = [];
  const starts: number[] = [];
  const body: string[] = [];
  items.forEach((item, i) => {
    const key = `${item.module}#${item.typeName}`;
    if (!imports.has(key)) imports.set(key, `T${imports.size}`);
    body.push(`export const m${i}: ${imports.get(key)} = ${JSON.stringify(item.value)};`);
  });
  for (const [key, alias] of imports) {
    const [module, typeName] = key.split("#");
    lines.push(`import type { ${typeName} as ${alias} } from ${JSON.stringify(module)};`);
  }
  let offset = lines.join("\n").length + 1;
  for (const line of body) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const source = `${[...lines, ...body].join("\n")}\n`;

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    path.resolve(file) === virtual
      ? ts.createSourceFile(file, source, language, true)
      : getSourceFile(file, language, ...rest);
  host.fileExists = (file) => path.resolve(file) === virtual || fileExists(file);
  const program = ts.createProgram([virtual], options, host);
  const sourceFile = program.getSourceFile(virtual);
  if (!sourceFile) throw new Error("type check: virtual source file missing");

  const results: string[][] = items.map(() => []);
  const diagnostics = [
    ...program.getSyntacticDiagnostics(sourceFile),
    ...program.getSemanticDiagnostics(sourceFile),
  ];
  for (const diagnostic of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const at = diagnostic.start ?? 0;
    let index = -1;
    for (let i = 0; i < starts.length; i++) if (starts[i]! <= at) index = i;
    if (index < 0) throw new Error(`type check: ${message}`); // an import failed: a setup error, not a manifest error
    results[index]!.push(pathOf(source, at, starts[index]!) + summarise(message));
  }
  return results;
}

/** The JSON path where a diagnostic points, from the keys opened before it (best effort). */
function pathOf(source: string, at: number, start: number): string {
  const text = source.slice(start, at);
  const keys: string[] = [];
  const stack: (string | null)[] = [];
  let lastKey: string | null = null;
  const re = /"((?:[^"\\]|\\.)*)"\s*:|[{[]|[}\]]/g;
  for (const match of text.matchAll(re)) {
    if (match[1] !== undefined) lastKey = match[1];
    else if (match[0] === "{" || match[0] === "[") {
      stack.push(lastKey);
      lastKey = null;
    } else stack.pop();
  }
  for (const key of stack) if (key !== null) keys.push(key);
  return keys.length > 0 ? `${keys.join(".")}: ` : "";
}

function summarise(message: string): string {
  const first = message.split("\n")[0]!;
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}
