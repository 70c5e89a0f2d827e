// mingo compares Long and Decimal128 as opaque objects (by string), so `$gt` and sorts on them go
// wrong. Queries therefore run on a "comparable" copy where those become JS numbers (order-preserving,
// lossy only beyond 2^53), and results map back to the stored documents.
import { isPlainObject, type Doc } from "./types.js";

const cache = new WeakMap<object, unknown>();

function wideNumber(value: unknown): number | null {
  const type = (value as { _bsontype?: string } | null)?._bsontype;
  if (type === "Long") return (value as { toNumber(): number }).toNumber();
  if (type === "Decimal128") return Number.parseFloat(String(value));
  if (type === "Int32" || type === "Double") return Number((value as { valueOf(): number }).valueOf());
  return null;
}

/** The value with Long/Decimal128/Int32/Double replaced by numbers; the same object when there are none. */
export function comparable<T>(value: T): T {
  const n = wideNumber(value);
  if (n !== null) return n as T;
  if (Array.isArray(value)) {
    const cached = cache.get(value);
    if (cached !== undefined) return cached as T;
    let changed = false;
    const out = value.map((v) => {
      const c = comparable(v as unknown);
      if (c !== v) changed = true;
      return c;
    });
    const result = changed ? out : value;
    cache.set(value, result);
    return result as T;
  }
  if (isPlainObject(value)) {
    const cached = cache.get(value);
    if (cached !== undefined) return cached as T;
    let changed = false;
    const out: Doc = {};
    for (const [k, v] of Object.entries(value)) {
      const c = comparable(v);
      if (c !== v) changed = true;
      out[k] = c;
    }
    const result = changed ? out : value;
    cache.set(value, result);
    return result as T;
  }
  return value;
}
