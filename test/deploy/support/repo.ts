// Where things are, and YAML loading for the deploy checks.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
);
/** ../shared/schemas beside the clone (DEPLOY_SHARED_SCHEMAS overrides it, to try the "absent" path). */
export const sharedSchemas =
  process.env.DEPLOY_SHARED_SCHEMAS ?? path.resolve(repoRoot, "..", "shared", "schemas");
export const inCi = process.env.CI === "true";

export function repoPath(...parts: string[]): string {
  return path.join(repoRoot, ...parts);
}

export function readText(relative: string): string {
  return readFileSync(repoPath(relative), "utf8");
}

/** A YAML document with where it came from (file relative to the repo, index in the file). */
export interface LoadedDoc {
  file: string;
  index: number;
  value: unknown;
}

/** Parses every document of a YAML file; a syntax error throws with the file's name. */
export function loadYaml(relative: string): LoadedDoc[] {
  const documents = parseAllDocuments(readText(relative), { prettyErrors: true });
  const docs: LoadedDoc[] = [];
  documents.forEach((document, index) => {
    if (document.errors.length > 0) {
      throw new Error(
        `${relative} (document ${index + 1}): ${document.errors.map((e) => e.message).join("; ")}`,
      );
    }
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) docs.push({ file: relative, index, value });
  });
  return docs;
}

export function loadYamlOne<T = Record<string, unknown>>(relative: string): T {
  const docs = loadYaml(relative);
  if (docs.length !== 1)
    throw new Error(`${relative}: expected one YAML document, found ${docs.length}`);
  return docs[0]!.value as T;
}

/** Every .yaml/.yml file under the deployment folders, relative to the repo. */
export function deploymentYamlFiles(): string[] {
  return ["kind", "knative", "monitoring"].flatMap((root) =>
    (readdirSync(repoPath(root), { recursive: true }) as string[])
      .map((f) => path.join(root, f))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort(),
  );
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any;
  data?: Record<string, string>;
  [key: string]: unknown;
}

export interface ManifestDoc extends LoadedDoc {
  value: K8sObject;
}

/** Kinds that are configuration for a tool, not objects sent to the API server. */
const TOOL_CONFIG_KINDS = new Set([
  "kind.x-k8s.io/v1alpha4/Cluster",
  "kustomize.config.k8s.io/v1beta1/Kustomization",
]);

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Kubernetes objects (apiVersion + kind) in the deployment folders, tool configs excluded. */
export function kubernetesManifests(): ManifestDoc[] {
  return deploymentYamlFiles()
    .flatMap(loadYaml)
    .filter(
      (d): d is ManifestDoc =>
        isObject(d.value) &&
        typeof d.value.apiVersion === "string" &&
        typeof d.value.kind === "string",
    )
    .filter((d) => !TOOL_CONFIG_KINDS.has(`${d.value.apiVersion}/${d.value.kind}`));
}

export function describe(doc: LoadedDoc): string {
  const v = doc.value as K8sObject;
  const name = v?.metadata?.name ?? "?";
  return `${doc.file}#${doc.index + 1} ${v?.kind ?? "?"}/${name}`;
}

export function findObject(kind: string, name: string, namespace?: string): K8sObject | undefined {
  return kubernetesManifests()
    .map((d) => d.value)
    .find(
      (o) =>
        o.kind === kind &&
        o.metadata?.name === name &&
        (namespace === undefined || o.metadata?.namespace === namespace),
    );
}

export function toolAvailable(tool: string): boolean {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir !== "" && existsSync(path.join(dir, tool)));
}

/** versions.env as a map (KEY=value lines). */
export function pinnedVersions(): Map<string, string> {
  const versions = new Map<string, string>();
  for (const line of readText("kind/versions.env").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) versions.set(match[1]!, match[2]!);
  }
  return versions;
}
