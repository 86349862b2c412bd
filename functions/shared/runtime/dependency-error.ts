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
    super(
      `${dependency}: ${message}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 5;
  }
  readonly retryAfterSeconds: number;
}

/**
 * A backend that refused this very input for good (OpenAI's 400 "maximum context length", a 4xx
 * from another function): retrying the same request cannot help. Answered as 422 without
 * Retry-After, so neither Knative nor the KafkaSource retries it and the event dead-letters.
 */
export class DependencyRejected extends Error {
  override name = "DependencyRejected";
  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${dependency} rejected the request: ${message}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}

export async function asDependencyError<T>(
  dependency: string,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof DependencyError || error instanceof DependencyRejected) throw error;
    throw new DependencyError(dependency, error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}
