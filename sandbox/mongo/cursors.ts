// Server-side cursors: results are materialised once and handed out in batches by getMore.
import { calculateObjectSize, Long } from "bson";
import { randomBytes } from "node:crypto";
import { MongoCommandError } from "./errors.js";
import type { Doc } from "./types.js";

const DEFAULT_FIRST_BATCH = 101;
/** Stay under the 16 MiB reply limit with room for the envelope. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  id: Long;
  ns: string;
  remaining: Doc[];
  lastUsed: number;
}

export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();

  /** Returns the `cursor` reply field for a first batch, opening a cursor if documents remain. */
  open(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch = false): Doc {
    const first = takeBatch(docs, batchSize ?? DEFAULT_FIRST_BATCH);
    const rest = docs.slice(first.length);
    let id = Long.ZERO;
    if (rest.length && !singleBatch) {
      id = newCursorId();
      this.cursors.set(id.toString(), { id, ns, remaining: rest, lastUsed: Date.now() });
    }
    return { firstBatch: first, id, ns };
  }

  getMore(rawId: unknown, ns: string, batchSize: number | undefined): Doc {
    const key = cursorKey(rawId);
    const cursor = this.cursors.get(key);
    if (!cursor) throw new MongoCommandError("CursorNotFound", `cursor id ${key} not found`);
    if (cursor.ns !== ns) {
      throw new MongoCommandError(
        "Unauthorized",
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    const batch = takeBatch(cursor.remaining, batchSize || Number.MAX_SAFE_INTEGER);
    cursor.remaining = cursor.remaining.slice(batch.length);
    cursor.lastUsed = Date.now();
    let id = cursor.id;
    if (cursor.remaining.length === 0) {
      this.cursors.delete(key);
      id = Long.ZERO;
    }
    return { nextBatch: batch, id, ns };
  }

  kill(ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const key = cursorKey(raw);
      const long = Long.fromString(key);
      if (this.cursors.delete(key)) killed.push(long);
      else notFound.push(long);
    }
    return { killed, notFound };
  }

  /** Drops cursors idle for longer than mongod's default 10 minutes. */
  reapIdle(now = Date.now()): void {
    for (const [key, cursor] of this.cursors)
      if (now - cursor.lastUsed > IDLE_TIMEOUT_MS) this.cursors.delete(key);
  }

  clear(): void {
    this.cursors.clear();
  }
}

function takeBatch(docs: Doc[], batchSize: number): Doc[] {
  const limit = Math.min(docs.length, batchSize);
  const out: Doc[] = [];
  let bytes = 0;
  for (let i = 0; i < limit; i++) {
    const doc = docs[i]!;
    bytes += calculateObjectSize(doc);
    if (out.length > 0 && bytes > MAX_BATCH_BYTES) break;
    out.push(doc);
  }
  return out;
}

function newCursorId(): Long {
  const bytes = randomBytes(8);
  bytes[7]! &= 0x7f; // positive, never zero in practice
  const id = Long.fromBytesLE([...bytes]);
  return id.isZero() ? Long.ONE : id;
}

function cursorKey(raw: unknown): string {
  if (typeof raw === "number" || typeof raw === "bigint") return String(raw);
  if (raw instanceof Long) return raw.toString();
  throw new MongoCommandError("TypeMismatch", "cursor id must be a 64-bit integer");
}
