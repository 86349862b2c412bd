interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for writes that cost about the same for one item as for many (a database commit):
 * the first item is written at once, and the items that arrive while that write runs are written
 * together by the next one. `add` resolves once its item is written. A failed batch is retried one
 * item at a time, so a bad item fails only its own caller.
 */
export class WriteBatcher<T> {
  private queue: Waiting<T>[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 64,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((waiting) => waiting.item));
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        else
          for (const waiting of batch)
            await this.write([waiting.item]).then(waiting.resolve, waiting.reject);
      }
    }
    this.draining = undefined;
  }
}
