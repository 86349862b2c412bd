/**
 * What the pipeline knows about each namespace's index, shared by index-document (writer)
 * and search (reader): a generation number that moves on every change, so cached search
 * answers are keyed to it, and which document contents (sha256) are already indexed.
 */
export interface IndexState {
  readonly system: string;
  generation(namespace: string): Promise<number>;
  bumpGeneration(namespace: string): Promise<number>;
  /** The document id indexed with this content, if any. */
  indexedDocument(namespace: string, sha256: string): Promise<string | undefined>;
  markIndexed(namespace: string, sha256: string, documentId: string): Promise<void>;
  ready(): Promise<void>;
  close(): Promise<void>;
}
