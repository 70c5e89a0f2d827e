// The lookup side of indexes: for one field path, which documents hold which scalar values, kept in
// value order per type so equality, `$in` and range filters can be answered without a scan.
// Answers are supersets (the query still runs the full filter on them), so what is posted here is
// deliberately generous: every scalar reachable through the path, arrays flattened at any depth.
import { comparable } from "./comparable.js";
import type { Doc } from "./types.js";

/** The types a range can be asked over, each ordered the way the query matcher orders it. */
export type RangeType = "number" | "string" | "date" | "objectId";

export interface Bound {
  value: number | string;
  inclusive: boolean;
}

interface Entry {
  value: number | string;
  key: string;
}

/** A scalar's posting key and, for rangeable types, its type and ordered value (NaN = unordered). */
export interface Scalar {
  key: string;
  type?: RangeType;
  order?: number | string;
}

/** The posting form of a (comparable) value; undefined for what equality on a scalar never matches. */
export function scalarOf(value: unknown): Scalar | undefined {
  switch (typeof value) {
    case "string":
      return { key: `s:${value}`, type: "string", order: value };
    case "number":
      return { key: `n:${String(value)}`, type: "number", order: value };
    case "boolean":
      return { key: value ? "b:1" : "b:0" };
    default:
  }
  if (value instanceof Date) {
    const t = value.getTime();
    return { key: `d:${String(t)}`, type: "date", order: t };
  }
  if ((value as { _bsontype?: string } | null)?._bsontype === "ObjectId") {
    const hex = (value as { toHexString(): string }).toHexString();
    return { key: `o:${hex}`, type: "objectId", order: hex };
  }
  return undefined;
}

function isUnordered(order: number | string): boolean {
  return typeof order === "number" && Number.isNaN(order);
}

/** Every scalar reachable through `path`, arrays expanded at any depth (a superset of what matches). */
function collect(
  value: unknown,
  path: readonly string[],
  depth: number,
  out: Set<string>,
  hits: Map<string, Scalar>,
) {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, path, depth, out, hits);
    return;
  }
  if (depth === path.length) {
    const scalar = scalarOf(comparable(value));
    if (scalar && !out.has(scalar.key)) {
      out.add(scalar.key);
      hits.set(scalar.key, scalar);
    }
    return;
  }
  if (value === null || typeof value !== "object" || (value as { _bsontype?: string })._bsontype) return;
  collect((value as Doc)[path[depth]!], path, depth + 1, out, hits);
}

/** Whether an index on this dotted path can be kept here (no positional or operator parts). */
export function isLookupPath(field: string): boolean {
  return field.split(".").every((part) => part.length > 0 && !part.includes("$") && !/^\d+$/.test(part));
}

export class FieldIndex {
  private readonly path: string[];
  /** Posting key -> the id key of the one document holding it, or the set of them. */
  private readonly postings = new Map<string, string | Set<string>>();
  /** Distinct posted values per range type, ascending; NaN values are kept apart (they match any bound). */
  private readonly sorted: Record<RangeType, SortedEntries> = {
    number: new SortedEntries(),
    string: new SortedEntries(),
    date: new SortedEntries(),
    objectId: new SortedEntries(),
  };
  private readonly unordered = new Map<RangeType, string>();
  /** Documents whose path runs through an array: a two-sided range may then match on different elements. */
  private multikeyDocs = 0;

  constructor(readonly field: string) {
    this.path = field.split(".");
  }

  add(doc: Doc, id: string): void {
    const { keys, hits, multikey } = this.keysOf(doc);
    if (multikey) this.multikeyDocs++;
    for (const key of keys) {
      const current = this.postings.get(key);
      if (current === undefined) {
        this.postings.set(key, id);
        this.insertSorted(hits.get(key)!);
      } else if (typeof current === "string") {
        if (current !== id) this.postings.set(key, new Set([current, id]));
      } else current.add(id);
    }
  }

  remove(doc: Doc, id: string): void {
    const { keys, hits, multikey } = this.keysOf(doc);
    if (multikey) this.multikeyDocs--;
    for (const key of keys) {
      const current = this.postings.get(key);
      if (current === undefined) continue;
      if (typeof current === "string") {
        if (current !== id) continue;
        this.postings.delete(key);
        this.removeSorted(hits.get(key)!);
      } else {
        current.delete(id);
        if (current.size === 1) this.postings.set(key, current.values().next().value!);
      }
    }
  }

  /** How many documents hold a value with this posting key. */
  count(key: string): number {
    const current = this.postings.get(key);
    return current === undefined ? 0 : typeof current === "string" ? 1 : current.size;
  }

  /** Ids of documents holding a value with this posting key. */
  equal(key: string, into: Set<string>): void {
    const current = this.postings.get(key);
    if (current === undefined) return;
    if (typeof current === "string") into.add(current);
    else for (const id of current) into.add(id);
  }

  /**
   * Ids of documents holding a value of `type` within the bounds (NaN values always included, as
   * the matcher counts them as equal to any bound). False when more than `max` ids would result.
   */
  range(
    type: RangeType,
    lower: Bound | undefined,
    upper: Bound | undefined,
    into: Set<string>,
    max: number,
  ): boolean {
    const nan = this.unordered.get(type);
    if (nan !== undefined) this.equal(nan, into);
    for (const entry of this.sorted[type].between(lower, upper)) {
      this.equal(entry.key, into);
      if (into.size > max) return false;
    }
    return true;
  }

  /** Both bounds of a range may be checked against the same value only when no document is multikey here. */
  get singleValued(): boolean {
    return this.multikeyDocs === 0;
  }

  private keysOf(doc: Doc): { keys: Set<string>; hits: Map<string, Scalar>; multikey: boolean } {
    const keys = new Set<string>();
    const hits = new Map<string, Scalar>();
    collect(doc, this.path, 0, keys, hits);
    return { keys, hits, multikey: runsThroughArray(doc, this.path) };
  }

  private insertSorted(scalar: Scalar): void {
    if (!scalar.type || scalar.order === undefined) return;
    if (isUnordered(scalar.order)) {
      this.unordered.set(scalar.type, scalar.key);
      return;
    }
    this.sorted[scalar.type].insert({ value: scalar.order, key: scalar.key });
  }

  private removeSorted(scalar: Scalar): void {
    if (!scalar.type || scalar.order === undefined) return;
    if (isUnordered(scalar.order)) {
      this.unordered.delete(scalar.type);
      return;
    }
    this.sorted[scalar.type].remove(scalar.order, scalar.key);
  }
}

const CHUNK = 256;

/**
 * Entries with distinct values in ascending order, kept in chunks of a few hundred so inserting or
 * removing anywhere moves only one chunk's worth of entries (values arrive in any order).
 */
class SortedEntries {
  private readonly chunks: Entry[][] = [];

  insert(entry: Entry): void {
    if (this.chunks.length === 0) {
      this.chunks.push([entry]);
      return;
    }
    const c = this.chunkFor(entry.value);
    const chunk = this.chunks[c]!;
    chunk.splice(lowerBound(chunk, entry.value, false), 0, entry);
    if (chunk.length > 2 * CHUNK) this.chunks.splice(c, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
  }

  remove(value: number | string, key: string): void {
    if (this.chunks.length === 0) return;
    const c = this.chunkFor(value);
    const chunk = this.chunks[c]!;
    const at = lowerBound(chunk, value, false);
    if (chunk[at]?.key !== key) return;
    chunk.splice(at, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
  }

  /** The entries within the bounds, ascending. */
  *between(lower: Bound | undefined, upper: Bound | undefined): Generator<Entry> {
    if (this.chunks.length === 0) return;
    let c = lower ? this.chunkFor(lower.value) : 0;
    let i = lower ? lowerBound(this.chunks[c]!, lower.value, !lower.inclusive) : 0;
    for (; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c]!;
      for (; i < chunk.length; i++) {
        const entry = chunk[i]!;
        if (upper && (entry.value > upper.value || (entry.value === upper.value && !upper.inclusive))) return;
        yield entry;
      }
    }
  }

  /** The chunk a value belongs in: the first whose last value is >= it, else the last chunk. */
  private chunkFor(value: number | string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid]!;
      if (chunk[chunk.length - 1]!.value < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** First position whose value is >= `value` (or > `value` when `after`). */
function lowerBound(entries: Entry[], value: number | string, after: boolean): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = entries[mid]!.value;
    if (v < value || (after && v === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function runsThroughArray(value: unknown, path: readonly string[], depth = 0): boolean {
  if (Array.isArray(value)) return true;
  if (depth === path.length || value === null || typeof value !== "object") return false;
  return runsThroughArray((value as Doc)[path[depth]!], path, depth + 1);
}
