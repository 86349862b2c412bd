/** The CLI's key for a stack with API_KEYS set: KNATIVE_RAG_API_KEY, sent as a bearer token. */
export function apiKeyHeader(): Record<string, string> {
  const key = process.env.KNATIVE_RAG_API_KEY;
  return key ? { authorization: `Bearer ${key}` } : {};
}
