/** Raw documents by key, e.g. `default/<document_id>.json` in the `documents` bucket. */
export interface ObjectStore {
  /** `db.system`-style name of the implementation, for spans and logs. */
  readonly system: string;
  readonly bucket: string;
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  exists(key: string): Promise<boolean>;
  /** Throws a DependencyError while the store is not usable. */
  ready(): Promise<void>;
  close(): Promise<void>;
}
