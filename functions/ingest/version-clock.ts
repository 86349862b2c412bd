/**
 * Versions of a document, assigned by ingest when it accepts a submission: the wall clock in
 * microseconds, but always above the last version this process issued and above the document's
 * previous version, so within one document they only grow. "Last accepted" means the highest
 * version; index-document drops any event older than the version it has indexed.
 */
export class VersionClock {
  private last = 0;

  constructor(private readonly now: () => number = Date.now) {}

  next(previous = 0): number {
    const version = Math.max(this.now() * 1000, this.last + 1, previous + 1);
    this.last = version;
    return version;
  }
}
