export const FUNCTIONS = ["ingest", "index-document", "embed", "search"] as const;
