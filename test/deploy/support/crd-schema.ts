// Validates custom resources against the openAPIV3Schema of their CRD with ajv.
//
// A CRD schema rarely says additionalProperties: false: the API server prunes unknown fields
// instead (and, with kubectl's default --validate=strict, rejects them). To make an unknown
// field fail here the way it fails against a real API server, every object schema that lists
// `properties` and is not x-kubernetes-preserve-unknown-fields gets additionalProperties: false.
// Objects declared as free-form maps (additionalProperties: {...}) or preserve-unknown-fields
// (Strimzi's kafka.config, for instance) stay open, as on the server.
// Not evaluated: x-kubernetes-validations (CEL rules); `metadata` is checked separately.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

type Schema = Record<string, unknown>;

export function strictify(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictify);
  if (typeof schema !== "object" || schema === null) return schema;
  const input = schema as Schema;
  const output: Schema = {};
  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith("x-kubernetes-")) continue;
    output[key] =
      key === "properties"
        ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, strictify(v)]))
        : strictify(value);
  }
  const preserve = input["x-kubernetes-preserve-unknown-fields"] === true;
  if (input.properties !== undefined && input.additionalProperties === undefined && !preserve) {
    output.additionalProperties = false;
  }
  // int-or-string fields carry no type in the CRD; state it so a list or object fails.
  if (input["x-kubernetes-int-or-string"] === true && input.type === undefined) {
    delete output.anyOf;
    output.type = ["integer", "string"];
  }
  return output;
}

export interface CrdVersionSchema {
  group: string;
  kind: string;
  version: string;
  schema: Schema;
}

/** Reads every CustomResourceDefinition version schema from a CRD file. */
export function readCrdSchemas(file: string): CrdVersionSchema[] {
  const result: CrdVersionSchema[] = [];
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    const crd = document.toJS() as any;
    if (crd?.kind !== "CustomResourceDefinition") continue;
    for (const version of crd.spec.versions ?? []) {
      result.push({
        group: crd.spec.group,
        kind: crd.spec.names.kind,
        version: version.name,
        schema: version.schema.openAPIV3Schema,
      });
    }
  }
  return result;
}

export class CrdValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction>();

  add(apiVersion: string, kind: string, schema: Schema): void {
    this.validators.set(`${apiVersion}/${kind}`, this.ajv.compile(strictify(schema) as Schema));
  }

  addCrdFile(file: string): void {
    for (const entry of readCrdSchemas(file))
      this.add(`${entry.group}/${entry.version}`, entry.kind, entry.schema);
  }

  has(apiVersion: string, kind: string): boolean {
    return this.validators.has(`${apiVersion}/${kind}`);
  }

  /** Error messages; empty when valid. */
  validate(object: { apiVersion: string; kind: string }): string[] {
    const validate = this.validators.get(`${object.apiVersion}/${object.kind}`);
    if (!validate) return [`no schema for ${object.apiVersion} ${object.kind}`];
    if (validate(object)) return [];
    return (validate.errors ?? []).map(formatError);
  }
}

function formatError(error: ErrorObject): string {
  const where = error.instancePath === "" ? "(root)" : error.instancePath;
  if (error.keyword === "additionalProperties")
    return `${where}: unknown field "${String(error.params.additionalProperty)}"`;
  return `${where}: ${error.message ?? error.keyword}`;
}
