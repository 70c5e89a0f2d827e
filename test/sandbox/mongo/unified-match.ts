// "Evaluating Matches" from MongoDB's unified test format: special $$ operators, flexible numerics,
// extra fields allowed only in root-level documents, key order ignored.
import { EJSON } from "bson";

export type Entities = Map<string, unknown>;

/** Thrown when an actual value does not match the expected one; the message says where and why. */
export class MatchError extends Error {}

function isDocument(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  if (value instanceof Date || value instanceof RegExp || Buffer.isBuffer(value)) return false;
  return !("_bsontype" in value);
}

function bsonType(value: unknown): string {
  return (value as { _bsontype?: string } | null)?._bsontype ?? "";
}

function isNumeric(value: unknown): boolean {
  if (typeof value === "number" || typeof value === "bigint") return true;
  return ["Long", "Int32", "Double"].includes(bsonType(value));
}

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  const t = bsonType(value);
  if (t === "Long") return (value as { toNumber(): number }).toNumber();
  return Number((value as { valueOf(): unknown }).valueOf());
}

function typeNames(value: unknown): string[] {
  if (value === undefined) return ["undefined"];
  if (value === null) return ["null"];
  if (typeof value === "string") return ["string"];
  if (typeof value === "boolean") return ["bool"];
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return ["double", "number"];
    const int32 = value >= -2147483648 && value <= 2147483647;
    return int32 ? ["int", "long", "double", "number"] : ["long", "double", "number"];
  }
  if (typeof value === "bigint") return ["long", "number"];
  if (Array.isArray(value)) return ["array"];
  if (value instanceof Date) return ["date"];
  if (value instanceof RegExp) return ["regex"];
  const map: Record<string, string[]> = {
    ObjectId: ["objectId"],
    Long: ["long", "number"],
    Int32: ["int", "number"],
    Double: ["double", "number"],
    Decimal128: ["decimal", "number"],
    Binary: ["binData"],
    UUID: ["binData"],
    Timestamp: ["timestamp"],
    BSONRegExp: ["regex"],
    Code: ["javascript"],
    MinKey: ["minKey"],
    MaxKey: ["maxKey"],
    BSONSymbol: ["symbol"],
  };
  const t = bsonType(value);
  if (t) return map[t] ?? [t];
  return ["object"];
}

function show(value: unknown): string {
  try {
    return EJSON.stringify(value as never, { relaxed: true });
  } catch {
    return String(value);
  }
}

function fail(path: string, message: string): never {
  throw new MatchError(`${path || "(root)"}: ${message}`);
}

function isSpecialOperator(value: unknown): value is Record<string, unknown> {
  if (!isDocument(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0]!.startsWith("$$");
}

/**
 * Asserts that `actual` matches `expected`. `isRoot` marks a root-level document, where extra fields
 * in `actual` are allowed.
 */
export function assertMatches(
  expected: unknown,
  actual: unknown,
  entities: Entities,
  isRoot = true,
  path = "",
): void {
  // The driver keeps some command fields (e.g. `sort`) as Maps; on the wire they are documents.
  if (actual instanceof Map) actual = Object.fromEntries(actual);
  if (isSpecialOperator(expected)) return matchOperator(expected, actual, entities, isRoot, path);
  if (isDocument(expected)) {
    if (!isDocument(actual)) fail(path, `expected a document ${show(expected)}, got ${show(actual)}`);
    for (const [key, value] of Object.entries(expected)) {
      const sub = path ? `${path}.${key}` : key;
      const present = Object.hasOwn(actual, key) || (actual as Record<string, unknown>)[key] !== undefined;
      if (isSpecialOperator(value)) {
        const op = Object.keys(value)[0]!;
        if (op === "$$exists") {
          if (Boolean(value[op]) !== (present && actual[key] !== undefined)) {
            fail(
              sub,
              value[op] ? "expected the field to exist" : `expected no field, got ${show(actual[key])}`,
            );
          }
          continue;
        }
        if (op === "$$unsetOrMatches") {
          if (!present || actual[key] === undefined) continue;
          assertMatches(value[op], actual[key], entities, false, sub);
          continue;
        }
      }
      if (!present) fail(sub, `missing; expected ${show(value)}`);
      assertMatches(value, actual[key], entities, false, sub);
    }
    if (!isRoot) {
      const extra = Object.keys(actual).filter((k) => !Object.hasOwn(expected, k) && actual[k] !== undefined);
      if (extra.length) fail(path, `unexpected field(s) ${extra.join(", ")} in ${show(actual)}`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) fail(path, `expected an array, got ${show(actual)}`);
    if (actual.length !== expected.length) {
      fail(
        path,
        `expected ${expected.length} elements ${show(expected)}, got ${actual.length} ${show(actual)}`,
      );
    }
    expected.forEach((item, i) => assertMatches(item, actual[i], entities, false, `${path}[${i}]`));
    return;
  }
  assertSameValue(expected, actual, path);
}

function assertSameValue(expected: unknown, actual: unknown, path: string): void {
  if (isNumeric(expected) && isNumeric(actual)) {
    if (toNumber(expected) !== toNumber(actual))
      fail(path, `expected ${show(expected)}, got ${show(actual)}`);
    return;
  }
  if (expected === null) {
    if (actual !== null && actual !== undefined) fail(path, `expected null, got ${show(actual)}`);
    return;
  }
  const a = typeNames(expected)[0];
  const b = typeNames(actual)[0];
  if (a !== b || show(expected) !== show(actual))
    fail(path, `expected ${show(expected)}, got ${show(actual)}`);
}

function matchOperator(
  expected: Record<string, unknown>,
  actual: unknown,
  entities: Entities,
  isRoot: boolean,
  path: string,
): void {
  const op = Object.keys(expected)[0]!;
  const arg = expected[op];
  switch (op) {
    case "$$unsetOrMatches":
      if (actual === undefined) return;
      return assertMatches(arg, actual, entities, isRoot, path);
    case "$$exists":
      if (Boolean(arg) !== (actual !== undefined))
        fail(path, `$$exists ${String(arg)} but got ${show(actual)}`);
      return;
    case "$$type": {
      const wanted = Array.isArray(arg) ? arg.map(String) : [String(arg)];
      if (actual === undefined) fail(path, `expected a value of type ${wanted.join("|")}`);
      const names = typeNames(actual);
      if (!wanted.some((w) => names.includes(w)))
        fail(path, `expected type ${wanted.join("|")}, got ${names[0]} ${show(actual)}`);
      return;
    }
    case "$$matchesEntity": {
      const name = String(arg);
      if (!entities.has(name)) throw new Error(`undefined entity ${name}`);
      return assertMatches(entities.get(name), actual, entities, isRoot, path);
    }
    case "$$sessionLsid": {
      const session = entities.get(String(arg)) as { id?: unknown } | undefined;
      if (!session?.id) throw new Error(`undefined session entity ${String(arg)}`);
      return assertMatches(session.id, actual, entities, false, path);
    }
    case "$$lte":
      if (!isNumeric(actual) || toNumber(actual) > toNumber(arg))
        fail(path, `expected <= ${show(arg)}, got ${show(actual)}`);
      return;
    case "$$matchesHexBytes":
      if (typeof actual !== "string" || Buffer.from(actual).toString("hex") !== String(arg).toLowerCase()) {
        fail(path, `expected hex bytes ${String(arg)}`);
      }
      return;
    case "$$matchAsDocument":
      if (typeof actual !== "string") fail(path, "expected an extended JSON string");
      return assertMatches(arg, EJSON.parse(actual), entities, false, path);
    case "$$matchAsRoot":
      return assertMatches(arg, actual, entities, true, path);
    default:
      throw new Error(`unsupported special operator ${op}`);
  }
}

/** Exact comparison for `outcome` collection data: no extra fields, key order ignored, numerics flexible. */
export function assertSameDocuments(expected: unknown[], actual: unknown[], path: string): void {
  if (expected.length !== actual.length) {
    fail(
      path,
      `expected ${expected.length} documents ${show(expected)}, got ${actual.length} ${show(actual)}`,
    );
  }
  expected.forEach((doc, i) => assertMatches(doc, actual[i], new Map(), false, `${path}[${i}]`));
}
