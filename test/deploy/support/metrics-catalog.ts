// monitoring/metrics-catalog.yaml: every metric a dashboard, rule or datasource may name, by source.
import { loadYamlOne } from "./repo.ts";

export interface CatalogMetric {
  name: string;
  type: "counter" | "gauge" | "histogram";
  labels?: string[];
}

export interface Catalog {
  sources: Record<string, { doc: string; metrics: CatalogMetric[] }>;
}

/** The source name of knative-rag's own functions. */
export const FUNCTIONS_SOURCE = "functions";

export function readCatalog(): Catalog {
  return loadYamlOne<Catalog>("monitoring/metrics-catalog.yaml");
}

/** Series names a catalog metric is stored under (a histogram's _bucket, _sum, _count). */
export function storedNames(metric: CatalogMetric): string[] {
  return metric.type === "histogram"
    ? ["_bucket", "_sum", "_count"].map((suffix) => metric.name + suffix)
    : [metric.name];
}
