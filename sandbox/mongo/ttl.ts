// TTL indexes: a periodic sweep removes documents whose indexed date is older than expireAfterSeconds,
// like mongod's TTL monitor (every ttlMonitorSleepSecs, default 60).
import type { Store } from "./store.js";
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
        for (const doc of coll.all()) {
          if (!index.covers(doc)) continue;
          const dates = valuesAtPath(doc, path).filter((v): v is Date => v instanceof Date);
          if (dates.length === 0) continue;
          const earliest = Math.min(...dates.map((d) => d.getTime()));
          if (earliest + seconds * 1000 <= now) {
            coll.remove(doc);
            removed++;
          }
        }
      }
    }
  }
  return removed;
}
