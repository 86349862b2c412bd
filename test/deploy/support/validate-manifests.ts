// One entry point for "is this manifest valid": kubernetes-models for core Kubernetes and Knative
// Serving/Eventing kinds, CRD schemas (ajv) for KafkaSource, KafkaSink and Strimzi kinds.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { CrdValidator } from "./crd-schema.ts";
import { modelModule, typeCheck, validateWithModel, type TypeCheckItem } from "./models.ts";
import { repoPath, sharedSchemas, type K8sObject } from "./repo.ts";

export const SHARED_CRD_FILES = [
  "kafkasource-crd.yaml",
  "strimzi-040-Crd-kafka.yaml",
  "strimzi-043-Crd-kafkatopic.yaml",
  "strimzi-045-Crd-kafkanodepool.yaml",
];

/** Kinds validated against ../shared/schemas; absent that folder, their check is skipped. */
export const SHARED_SCHEMA_KINDS = new Set([
  "sources.knative.dev/v1/KafkaSource",
  "kafka.strimzi.io/v1/Kafka",
  "kafka.strimzi.io/v1/KafkaTopic",
  "kafka.strimzi.io/v1/KafkaNodePool",
]);

export function sharedSchemasPresent(): boolean {
  return SHARED_CRD_FILES.every((file) => existsSync(path.join(sharedSchemas, file)));
}

export function crdValidator(): CrdValidator {
  const validator = new CrdValidator();
  if (sharedSchemasPresent())
    for (const file of SHARED_CRD_FILES) validator.addCrdFile(path.join(sharedSchemas, file));
  const sink = JSON.parse(
    readFileSync(repoPath("test/deploy/schemas/kafkasink.v1alpha1.json"), "utf8"),
  ) as Record<string, unknown>;
  delete sink.$comment;
  validator.add("eventing.knative.dev/v1alpha1", "KafkaSink", sink);
  return validator;
}

export type Outcome =
  | { status: "valid" }
  | { status: "invalid"; errors: string[] }
  | { status: "skipped"; reason: string };

const OBJECT_META: Pick<TypeCheckItem, "module" | "typeName"> = {
  module: "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta",
  typeName: "IObjectMeta",
};

/** Validates each object; the result has one outcome per object, in order. */
export async function validateObjects(
  objects: K8sObject[],
  crds: CrdValidator = crdValidator(),
): Promise<Outcome[]> {
  const errors: string[][] = objects.map(() => []);
  const skipped = new Map<number, string>();
  const typeItems: TypeCheckItem[] = [];
  const typeOwners: number[] = [];

  for (const [i, object] of objects.entries()) {
    const key = `${object.apiVersion}/${object.kind}`;
    const modelErrors = await validateWithModel(object);
    if (modelErrors !== undefined) {
      errors[i]!.push(...modelErrors);
      typeItems.push({
        module: `${modelModule(object.apiVersion)}/${object.kind}`,
        typeName: `I${object.kind}`,
        value: object,
      });
      typeOwners.push(i);
    } else if (crds.has(object.apiVersion, object.kind)) {
      errors[i]!.push(...crds.validate(object));
      if (object.metadata !== undefined) {
        typeItems.push({ ...OBJECT_META, value: object.metadata });
        typeOwners.push(i);
      }
    } else if (SHARED_SCHEMA_KINDS.has(key) && !sharedSchemasPresent()) {
      skipped.set(i, `${key}: ${sharedSchemas} absent`);
    } else {
      errors[i]!.push(`no schema known for ${key}`);
    }
  }
  typeCheck(typeItems).forEach((messages, j) => errors[typeOwners[j]!]!.push(...messages));

  return objects.map((_, i): Outcome => {
    if (skipped.has(i)) return { status: "skipped", reason: skipped.get(i)! };
    return errors[i]!.length === 0
      ? { status: "valid" }
      : { status: "invalid", errors: errors[i]! };
  });
}
