// Durability with a data directory: an append-only journal of BSON records, one per mutation.
// Records are queued in mutation order and written by group commit: one write and one fdatasync for
// everything queued since the last one, on libuv's threadpool, so the main thread keeps serving.
// A reply is sent only once everything queued before it is durable, so a kill -9 loses nothing
// acknowledged (and no reply shows data that could still be lost). On start the journal is replayed,
// then rewritten compactly.
import { deserialize, serialize } from "bson";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { lockHolderIsRunning, lockOwnerLine, parseLockOwner } from "./lock-holder.js";
import type { JournalRecord, Store } from "./store.js";
import type { Doc } from "./types.js";

const JOURNAL_FILE = "journal.bson";
const LOCK_FILE = "embedded-mongo.lock";
const FLUSH_CHUNK_BYTES = 4 * 1024 * 1024;
/** Rewrite the journal while running once it has grown by this much and by more than its compacted size. */
const MIN_COMPACT_GROWTH_BYTES = 64 * 1024 * 1024;

export interface LoadReport {
  records: number;
  /** Bytes of a torn final record (a write cut off by a crash) that were discarded. */
  discardedBytes: number;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

const write = promisify(fs.write);
const fdatasync = promisify(fs.fdatasync);

export class Journal {
  private appendedBytes = 0;
  /** Serialized records not yet handed to a write, and who waits for them. */
  private queued: Buffer[] = [];
  private queuedWaiters: Waiter[] = [];
  /** Who waits for the group commit in progress (write + fdatasync); null when none is. */
  private committing: Waiter[] | null = null;
  private loop: Promise<void> = Promise.resolve();
  /** Once a write failed the file may end in a torn record: nothing more is acknowledged. */
  private failure: Error | null = null;

  private constructor(
    private readonly dir: string,
    private fd: number,
    private readonly store: Store,
    private compactedBytes: number,
  ) {}

  /** Loads the directory into `store`, compacts the journal and opens it for appending. */
  static open(dir: string, store: Store): { journal: Journal; report: LoadReport } {
    fs.mkdirSync(dir, { recursive: true });
    acquireLock(dir);
    const file = path.join(dir, JOURNAL_FILE);
    const report = fs.existsSync(file) ? replay(file, store) : { records: 0, discardedBytes: 0 };
    const size = compact(dir, store);
    const fd = fs.openSync(file, "a");
    return { journal: new Journal(dir, fd, store, size), report };
  }

  /** Queues one mutation's record for the next group commit (serialized now, as it is now). */
  enqueue(record: JournalRecord): void {
    this.queued.push(Buffer.from(serialize(record as unknown as Doc)));
  }

  /**
   * Resolves once every record queued so far is on disk; rejects when the journal cannot be
   * written. Records queued while a commit is in flight go together in the next one.
   */
  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queued.length === 0 && this.committing === null) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      if (this.queued.length === 0) this.committing!.push(waiter);
      else this.queuedWaiters.push(waiter);
      if (this.committing === null) this.loop = this.commitLoop();
    });
  }

  /** Commits batches until nothing is queued; compacts when the journal has grown and is idle. */
  private async commitLoop(): Promise<void> {
    while (this.queued.length > 0) {
      const data = Buffer.concat(this.queued);
      const waiters = (this.committing = this.queuedWaiters);
      this.queued = [];
      this.queuedWaiters = [];
      try {
        await writeAllAsync(this.fd, data);
        await fdatasync(this.fd);
        this.appendedBytes += data.length;
        // compacting snapshots memory, so only while memory holds nothing the journal lacks
        const grown = this.appendedBytes > Math.max(MIN_COMPACT_GROWTH_BYTES, this.compactedBytes);
        if (this.queued.length === 0 && grown) this.compactNow();
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
        this.committing = null;
        for (const waiter of [...waiters, ...this.queuedWaiters.splice(0)]) waiter.reject(this.failure);
        return;
      }
      this.committing = null;
      for (const waiter of waiters) waiter.resolve();
    }
  }

  /** Replaces the journal by a snapshot of the current state (the old one stays valid until the rename). */
  private compactNow(): void {
    fs.closeSync(this.fd);
    try {
      this.compactedBytes = compact(this.dir, this.store);
      this.appendedBytes = 0;
    } catch (err) {
      console.error("[embedded-mongo] journal compaction failed, appending to the old journal:", err);
    }
    this.fd = fs.openSync(path.join(this.dir, JOURNAL_FILE), "a");
  }

  /** Waits for queued records to be durable, then closes the file and releases the directory. */
  async close(): Promise<void> {
    if (this.fd < 0) return;
    await this.durable().catch((err: unknown) => {
      console.error("[embedded-mongo] journal write failed at shutdown:", err);
    });
    await this.loop;
    fs.closeSync(this.fd);
    this.fd = -1;
    releaseLock(this.dir);
  }
}

async function writeAllAsync(fd: number, buf: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await write(fd, buf, offset, buf.length - offset, null);
    offset += bytesWritten;
  }
}

function writeAll(fd: number, buf: Uint8Array): void {
  let offset = 0;
  while (offset < buf.length) offset += fs.writeSync(fd, buf, offset, buf.length - offset);
}

function replay(file: string, store: Store): LoadReport {
  const data = fs.readFileSync(file);
  let offset = 0;
  let records = 0;
  while (offset + 4 <= data.length) {
    const size = data.readInt32LE(offset);
    if (size < 5 || offset + size > data.length) break;
    let record: JournalRecord;
    try {
      record = deserialize(data.subarray(offset, offset + size), {
        promoteLongs: true,
        promoteValues: true,
      }) as unknown as JournalRecord;
    } catch {
      break;
    }
    try {
      store.apply(record);
    } catch (err) {
      // A record that no longer applies (e.g. against a changed index) must not block startup.
      console.warn(`[embedded-mongo] skipped journal record ${record.op}: ${(err as Error).message}`);
    }
    records++;
    offset += size;
  }
  return { records, discardedBytes: data.length - offset };
}

/** The smallest journal that rebuilds the current state. */
function* snapshotRecords(store: Store): Generator<JournalRecord> {
  for (const database of store.databases.values()) {
    for (const coll of database.collections.values()) {
      yield { op: "createCollection", ns: coll.ns, options: coll.options };
      for (const index of coll.indexes.values()) {
        if (index.name !== "_id_") yield { op: "createIndex", ns: coll.ns, spec: index.spec };
      }
      for (const doc of coll.docs.values()) yield { op: "insert", ns: coll.ns, doc };
    }
  }
}

/** Writes the snapshot beside the journal, syncs it and renames it over; returns its size. */
function compact(dir: string, store: Store): number {
  const tmp = path.join(dir, `${JOURNAL_FILE}.compacting`);
  const fd = fs.openSync(tmp, "w");
  let total = 0;
  try {
    let pending: Buffer[] = [];
    let bytes = 0;
    for (const record of snapshotRecords(store)) {
      const buf = Buffer.from(serialize(record as unknown as Doc));
      pending.push(buf);
      bytes += buf.length;
      total += buf.length;
      if (bytes >= FLUSH_CHUNK_BYTES) {
        writeAll(fd, Buffer.concat(pending));
        pending = [];
        bytes = 0;
      }
    }
    if (pending.length) writeAll(fd, Buffer.concat(pending));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, JOURNAL_FILE));
  syncDirectory(dir);
  return total;
}

function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}

/** Data directories locked by servers in this process. */
const heldLocks = new Set<string>();

/** One server per data directory; a lock left by a killed process is taken over. */
function acquireLock(dir: string): void {
  const resolved = path.resolve(dir);
  const lock = path.join(dir, LOCK_FILE);
  if (heldLocks.has(resolved)) throw new Error(`data directory ${dir} is in use by this process`);
  if (fs.existsSync(lock)) {
    const owner = parseLockOwner(fs.readFileSync(lock, "utf8"));
    if (owner.pid !== process.pid && lockHolderIsRunning(owner)) {
      throw new Error(`data directory ${dir} is in use by process ${owner.pid}`);
    }
  }
  fs.writeFileSync(lock, lockOwnerLine());
  heldLocks.add(resolved);
}

function releaseLock(dir: string): void {
  heldLocks.delete(path.resolve(dir));
  try {
    fs.unlinkSync(path.join(dir, LOCK_FILE));
  } catch {
    // already gone
  }
}
