/** Status codes after which Knative's delivery retries; any other 4xx is final. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;
}
