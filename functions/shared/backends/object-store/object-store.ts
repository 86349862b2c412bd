import { DependencyRejected } from "../../runtime/dependency-error.ts";

export interface GetOptions {
  /** Larger objects are refused with ObjectTooLarge before more than this is read into memory. */
  maxBytes?: number;
}

/** An object over the reader's limit: it stays too large however often it is read (a 422, no retry). */
export class ObjectTooLarge extends DependencyRejected {
  override name = "ObjectTooLarge";
  constructor(key: string, maxBytes: number) {
    super("object-store", `the stored object is larger than the ${maxBytes}-byte limit`, {
      cause: new Error(`object ${key} is larger than ${maxBytes} bytes`),
    });
  }
}

export interface PutOptions {
  /**
   * Only the writing process reads the object back (ingest's receipts): it is durable when `put`
   * resolves and the writer's next `get` returns it, but other processes may see it later.
   */
  writerOnly?: boolean;
}

/** Raw documents by key, e.g. `default/<document_id>.json` in the `documents` bucket. */
export interface ObjectStore {
  /** `db.system`-style name of the implementation, for spans and logs. */
  readonly system: string;
  readonly bucket: string;
  put(
    key: string,
    body: string | Uint8Array,
    contentType: string,
    options?: PutOptions,
  ): Promise<void>;
  /** The object's bytes, or undefined when there is no such key; ObjectTooLarge over `maxBytes`. */
  get(key: string, options?: GetOptions): Promise<Uint8Array | undefined>;
  /** Throws a DependencyError while the store is not usable. */
  ready(): Promise<void>;
  close(): Promise<void>;
}
