import { hostname } from "node:os";
import { basename, dirname } from "node:path";
import {
  defaultResource,
  envDetector,
  detectResources,
  resourceFromAttributes,
  type Resource,
} from "@opentelemetry/resources";
import type { TelemetrySettings } from "./settings.ts";

/**
 * Who is emitting: the Knative Service (`K_SERVICE`) and revision (`K_REVISION`) as
 * `service.name`/`service.version` and `faas.*`; `OTEL_SERVICE_NAME` and
 * `OTEL_RESOURCE_ATTRIBUTES` still win, as the specification wants.
 */
export function functionResource(
  settings: TelemetrySettings,
  entry = process.argv[1] ?? "",
): Resource {
  const name = settings.K_SERVICE ?? functionNameFromEntry(entry);
  const attributes: Record<string, string> = {
    "service.name": name,
    "service.namespace": settings.POD_NAMESPACE ?? "knative-rag",
    "faas.name": name,
    "faas.instance": `${hostname()}/${process.pid}`,
  };
  if (settings.K_REVISION) {
    attributes["service.version"] = settings.K_REVISION;
    attributes["faas.version"] = settings.K_REVISION;
  }
  if (settings.POD_NAMESPACE) attributes["k8s.namespace.name"] = settings.POD_NAMESPACE;
  const fromEnv = detectResources({ detectors: [envDetector] });
  const named = settings.OTEL_SERVICE_NAME
    ? resourceFromAttributes({ "service.name": settings.OTEL_SERVICE_NAME })
    : undefined;
  const merged = defaultResource().merge(resourceFromAttributes(attributes)).merge(fromEnv);
  return named ? merged.merge(named) : merged;
}

/** Without K_SERVICE the bundle's folder names the function: dist/ingest/index.mjs → ingest. */
export function functionNameFromEntry(entry: string): string {
  const file = basename(entry);
  return file.startsWith("index.") || file.startsWith("main.")
    ? basename(dirname(entry)) || "function"
    : file.replace(/\.[cm]?[jt]s$/, "") || "function";
}
