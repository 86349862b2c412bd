/** The version of a document that search serves: ingest's version number and the text's sha256. */
export interface IndexedVersion {
  version: number;
  sha256: string;
}

/**
 * What the pipeline knows about each namespace's index, shared by index-document (writer)
 * and search (reader): a generation number that moves on every change, so cached search
 * answers are keyed to it, and which version of each document is indexed — one record per
 * document, so the state grows with the documents, never with their history.
 */
export interface IndexState {
  readonly system: string;
  generation(namespace: string): Promise<number>;
  bumpGeneration(namespace: string): Promise<number>;
  /** The version of the document that is indexed, if any. */
  indexedVersion(namespace: string, documentId: string): Promise<IndexedVersion | undefined>;
  /**
   * Records `indexed` as the document's indexed version unless a newer one is recorded already
   * (atomically, across instances); returns the version recorded afterwards.
   */
  markIndexed(
    namespace: string,
    documentId: string,
    indexed: IndexedVersion,
  ): Promise<IndexedVersion>;
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Orders versions of one document: by version number, ties (never issued by one ingest) by hash. */
export function compareVersions(a: IndexedVersion, b: IndexedVersion): number {
  if (a.version !== b.version) return a.version < b.version ? -1 : 1;
  return a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0;
}
