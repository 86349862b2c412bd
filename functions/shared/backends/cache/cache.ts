/** A key-value cache with time-to-live; values are JSON-serialisable. */
export interface Cache {
  readonly system: string;
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: string[]): Promise<(T | undefined)[]>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  ready(): Promise<void>;
  close(): Promise<void>;
}
