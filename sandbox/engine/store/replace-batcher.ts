import { MongoBulkWriteError } from "mongodb";
import type { AnyBulkWriteOperation, Collection, Document } from "mongodb";
import { rideOut } from "./ride-out.js";

// Upserts by _id, group-committed: while one write is in flight, the documents saved meanwhile
// (other runs' steps answering at the same time) wait and then go together as one bulk write.
// Each save still resolves only once its own document is written, so nothing is acknowledged early;
// an idle store writes at once.
interface Pending<T> {
  doc: T;
  resolve(): void;
  reject(err: unknown): void;
}

export class ReplaceBatcher<T extends Document & { _id: string }> {
  private queued: Pending<T>[] = [];
  private flushing = false;

  constructor(private readonly collection: Collection<T>) {}

  save(doc: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ doc, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued;
        this.queued = [];
        await this.write(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async write(batch: Pending<T>[]): Promise<void> {
    // the latest version of each document (unordered bulk writes may apply in any order)
    const latest = new Map<string, T>();
    for (const { doc } of batch) latest.set(doc._id, doc);
    const docs = [...latest.values()];
    try {
      if (docs.length === 1) {
        const doc = docs[0]!;
        await rideOut(() => this.collection.replaceOne({ _id: doc._id } as never, doc, { upsert: true }));
      } else {
        const ops = docs.map(
          (doc) =>
            ({
              replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true },
            }) as unknown as AnyBulkWriteOperation<T>,
        );
        await rideOut(() => this.collection.bulkWrite(ops, { ordered: false }));
      }
    } catch (err) {
      const failed = failedIds(err, docs);
      for (const pending of batch) {
        if (failed === null || failed.has(pending.doc._id)) pending.reject(err);
        else pending.resolve();
      }
      return;
    }
    for (const pending of batch) pending.resolve();
  }
}

/** The ids a bulk write refused (the rest were written), or null when the whole write failed. */
function failedIds(err: unknown, docs: Array<{ _id: string }>): Set<string> | null {
  if (!(err instanceof MongoBulkWriteError) || docs.length < 2) return null;
  const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  if (errors.length === 0) return null;
  return new Set(errors.map((e) => docs[e.index]!._id));
}
