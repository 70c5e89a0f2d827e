// Small pure helpers over BSON values: identity keys, deep copies, dotted paths.
import { EJSON } from "bson";
import { isPlainObject, type Doc } from "./types.js";

/** A canonical string for a value, used to key documents by _id and index entries. */
export function keyOf(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? `n:${value}` : EJSON.stringify([value]);
  if (typeof value === "string") return `s:${value}`;
  if (value === undefined) return "null";
  return EJSON.stringify([value], { relaxed: false });
}

/** Deep copy of plain objects/arrays; BSON value classes are immutable and shared. */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneValue(v) as unknown) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const out: Doc = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneValue(v);
    return out as T;
  }
  return value;
}

export function cloneDoc(doc: Doc): Doc {
  return cloneValue(doc);
}

/** MongoDB keeps _id as the first field of every stored document. */
export function withIdFirst(doc: Doc): Doc {
  if (!("_id" in doc) || Object.keys(doc)[0] === "_id") return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/**
 * Values reached by a dotted path, expanding arrays the way multikey indexes do:
 * `tags` on `{tags: ["a","b"]}` yields "a" and "b".
 */
export function valuesAtPath(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) {
    if (Array.isArray(value)) return value.length === 0 ? [undefined] : value;
    return [value];
  }
  if (Array.isArray(value)) {
    const [head] = path;
    if (head !== undefined && /^\d+$/.test(head)) return valuesAtPath(value[Number(head)], path.slice(1));
    const out: unknown[] = [];
    for (const item of value) out.push(...valuesAtPath(item, path));
    return out.length ? out : [undefined];
  }
  if (value === null || typeof value !== "object") return [undefined];
  const [head, ...rest] = path;
  return valuesAtPath((value as Doc)[head!], rest);
}

/** First value at a dotted path, without array expansion beyond numeric indexes. */
export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = Array.isArray(cur) ? (/^\d+$/.test(part) ? cur[Number(part)] : undefined) : (cur as Doc)[part];
  }
  return cur;
}

export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const next = cur[part];
    if (next === null || typeof next !== "object") cur[part] = {};
    cur = cur[part] as Doc;
  }
  cur[parts[parts.length - 1]!] = value;
}

export function bsonTypeName(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "double";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return "date";
  if (value instanceof RegExp) return "regex";
  const bsontype = (value as { _bsontype?: string })._bsontype;
  if (bsontype) return bsontype.toLowerCase();
  return "object";
}

export function isNumeric(value: unknown): boolean {
  if (typeof value === "number" || typeof value === "bigint") return true;
  const t = (value as { _bsontype?: string } | null)?._bsontype;
  return t === "Long" || t === "Int32" || t === "Double" || t === "Decimal128";
}
