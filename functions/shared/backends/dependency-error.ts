/**
 * A backend that cannot be reached or refused the operation for a reason that may pass.
 * HTTP handlers turn it into a 503 with Retry-After, so Knative and Kafka deliveries retry.
 */
export class DependencyError extends Error {
  override name = "DependencyError";
  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(`${dependency}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 5;
  }
  readonly retryAfterSeconds: number;
}

export async function asDependencyError<T>(dependency: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof DependencyError) throw error;
    throw new DependencyError(dependency, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
