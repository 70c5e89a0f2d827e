// TTL indexes: a periodic sweep removes documents whose indexed date is older than expireAfterSeconds,
// like mongod's TTL monitor (every ttlMonitorSleepSecs, default 60).
import type { FieldIndex } from "./field-index.js";
import type { Store } from "./store.js";
import type { Doc } from "./types.js";
import { valuesAtPath } from "./values.js";

/** Removes expired documents; returns how many were deleted. */
export function sweepExpired(store: Store, now = Date.now()): number {
  let removed = 0;
  for (const database of store.databases.values()) {
    for (const coll of database.collections.values()) {
      for (const index of coll.indexes.values()) {
        const seconds = index.spec.expireAfterSeconds;
        const fields = Object.keys(index.spec.key);
        if (typeof seconds !== "number" || fields.length !== 1) continue;
        const path = fields[0]!.split(".");
        const cutoff = now - seconds * 1000;
        for (const doc of expiryCandidates(coll.lookup(fields[0]!), coll.docs, cutoff)) {
          if (!index.covers(doc)) continue;
          const dates = valuesAtPath(doc, path).filter((v): v is Date => v instanceof Date);
          if (dates.length === 0) continue;
          const earliest = Math.min(...dates.map((d) => d.getTime()));
          if (earliest <= cutoff) {
            coll.remove(doc);
            removed++;
          }
        }
      }
    }
  }
  return removed;
}

/** Documents holding a date at or before the cutoff, from the field's lookup when there is one. */
function expiryCandidates(lookup: FieldIndex | undefined, docs: Map<string, Doc>, cutoff: number): Doc[] {
  if (!lookup) return [...docs.values()];
  const ids = new Set<string>();
  lookup.range("date", undefined, { value: cutoff, inclusive: true }, ids, Infinity);
  const out: Doc[] = [];
  for (const id of ids) {
    const doc = docs.get(id);
    if (doc) out.push(doc);
  }
  return out;
}
