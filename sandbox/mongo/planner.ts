// Which documents a filter can match, from the field indexes: equality, `$in` and range conditions on
// indexed fields (top level, `$and`, and `$or` when every branch is indexed). Everything else is left
// to the full filter, so the answer is a superset; null means "scan".
import { comparable } from "./comparable.js";
import { scalarOf, type Bound, type FieldIndex, type RangeType } from "./field-index.js";
import { isPlainObject, type Doc } from "./types.js";

export interface PlanContext {
  lookup(field: string): FieldIndex | undefined;
  /** Give up (scan) once more ids than this would be collected. */
  max: number;
  /** False under a non-simple collation: strings then compare by the collation, not by value. */
  strings: boolean;
}

/** Ids of a superset of the documents `filter` can match, or null when only a scan can tell. */
export function candidateIds(filter: Doc, ctx: PlanContext): Set<string> | null {
  return planAnd(filter, ctx);
}

function smaller(a: Set<string> | null, b: Set<string> | null): Set<string> | null {
  if (a === null) return b;
  if (b === null) return a;
  return b.size < a.size ? b : a;
}

/** Top-level keys are all conditions that must hold, so any one indexed condition bounds the result. */
function planAnd(filter: Doc, ctx: PlanContext): Set<string> | null {
  let best: Set<string> | null = null;
  for (const [key, raw] of Object.entries(filter)) {
    if (best !== null && best.size <= 1) break;
    if (key === "$and" && Array.isArray(raw)) {
      for (const sub of raw) if (isPlainObject(sub)) best = smaller(best, planAnd(sub, ctx));
    } else if (key === "$or" && Array.isArray(raw) && raw.length > 0) {
      best = smaller(best, planOr(raw, ctx));
    } else if (!key.startsWith("$")) {
      const index = ctx.lookup(key);
      if (index) best = smaller(best, planField(index, comparable(raw), ctx));
    }
  }
  return best;
}

function planOr(branches: unknown[], ctx: PlanContext): Set<string> | null {
  const union = new Set<string>();
  for (const branch of branches) {
    if (!isPlainObject(branch)) return null;
    const ids = planAnd(branch, ctx);
    if (ids === null) return null;
    for (const id of ids) union.add(id);
    if (union.size > ctx.max) return null;
  }
  return union;
}

/** A scalar the index can look up (strings only without a collation). */
function lookupScalar(value: unknown, ctx: PlanContext) {
  const scalar = scalarOf(value);
  if (!scalar || (!ctx.strings && typeof value === "string")) return undefined;
  return scalar;
}

function planField(index: FieldIndex, cond: unknown, ctx: PlanContext): Set<string> | null {
  const direct = lookupScalar(cond, ctx);
  // A value most documents share (an account id) bounds nothing: not worth copying its ids.
  if (direct && index.count(direct.key) > ctx.max) return null;
  if (direct) {
    const ids = new Set<string>();
    index.equal(direct.key, ids);
    return ids;
  }
  if (!isPlainObject(cond)) return null;
  const ops = Object.keys(cond);
  if (ops.length === 0 || !ops.every((op) => op.startsWith("$"))) return null;
  // operators on one field all have to hold, so each one that the index answers is a bound
  let best: Set<string> | null = null;
  if ("$eq" in cond) {
    const scalar = lookupScalar(cond["$eq"], ctx);
    if (scalar && index.count(scalar.key) <= ctx.max) {
      const ids = new Set<string>();
      index.equal(scalar.key, ids);
      best = ids;
    }
  }
  if (Array.isArray(cond["$in"])) best = smaller(best, planIn(index, cond["$in"], ctx));
  return smaller(best, planRange(index, cond, ctx));
}

function planIn(index: FieldIndex, values: unknown[], ctx: PlanContext): Set<string> | null {
  const ids = new Set<string>();
  for (const value of values) {
    const scalar = lookupScalar(value, ctx);
    if (!scalar) return null; // null, regexes, documents: the filter decides
    index.equal(scalar.key, ids);
    if (ids.size > ctx.max) return null;
  }
  return ids;
}

interface TypedBound extends Bound {
  type: RangeType;
}

function boundOf(value: unknown, inclusive: boolean, ctx: PlanContext): TypedBound | undefined {
  const scalar = lookupScalar(value, ctx);
  if (!scalar?.type || scalar.order === undefined) return undefined;
  // NaN (or an invalid date) as a bound compares equal to everything of its type
  if (typeof scalar.order === "number" && Number.isNaN(scalar.order)) return undefined;
  return { type: scalar.type, value: scalar.order, inclusive };
}

function planRange(index: FieldIndex, cond: Doc, ctx: PlanContext): Set<string> | null {
  const lower =
    ("$gt" in cond ? boundOf(cond["$gt"], false, ctx) : undefined) ??
    ("$gte" in cond ? boundOf(cond["$gte"], true, ctx) : undefined);
  const upper =
    ("$lt" in cond ? boundOf(cond["$lt"], false, ctx) : undefined) ??
    ("$lte" in cond ? boundOf(cond["$lte"], true, ctx) : undefined);
  if (!lower && !upper) return null;
  const collect = (type: RangeType, lo: Bound | undefined, hi: Bound | undefined) => {
    const ids = new Set<string>();
    return index.range(type, lo, hi, ids, ctx.max) ? ids : null;
  };
  // One value has to satisfy both bounds only when no document holds several values here.
  if (lower && upper && lower.type === upper.type && index.singleValued) {
    return collect(lower.type, lower, upper);
  }
  let best: Set<string> | null = null;
  if (lower) best = collect(lower.type, lower, undefined);
  if (upper && (best === null || best.size > 1)) best = smaller(best, collect(upper.type, undefined, upper));
  return best;
}
