// Index specs and their constraints: unique (compound, multikey, sparse, partial) and TTL metadata.
// Answering queries from an index's leading field is `field-index.ts`' job.
import { Query } from "mingo";
import { MongoCommandError } from "./errors.js";
import { isPlainObject, type Doc } from "./types.js";
import { keyOf, valuesAtPath } from "./values.js";

export interface IndexSpec extends Doc {
  v?: number;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
}

export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${String(dir)}`)
    .join("_");
}

export function idIndexSpec(): IndexSpec {
  return { v: 2, key: { _id: 1 }, name: "_id_" };
}

/** Validates a createIndexes entry and normalises it to what listIndexes returns. */
export function normaliseIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw) || !isPlainObject(raw["key"]) || Object.keys(raw["key"]).length === 0) {
    throw new MongoCommandError("FailedToParse", "Index spec must have a non-empty 'key' document");
  }
  const key = raw["key"];
  for (const [field, dir] of Object.entries(key)) {
    const ok =
      typeof dir === "number"
        ? dir !== 0
        : typeof dir === "string" && ["text", "2dsphere", "2d", "hashed"].includes(dir);
    if (!ok)
      throw new MongoCommandError(
        "CannotCreateIndex",
        `Values in the index key pattern must be numbers or index types, bad field '${field}'`,
      );
  }
  const name = typeof raw["name"] === "string" ? raw["name"] : defaultIndexName(key);
  const spec: IndexSpec = { v: 2, key, name };
  for (const [k, v] of Object.entries(raw)) {
    // `background` and `ns` are accepted and ignored by mongod 4.2+, so they must not make specs differ.
    if (k === "key" || k === "name" || k === "v" || k === "ns" || k === "background" || v === undefined)
      continue;
    if (k === "unique" && v === false) continue;
    spec[k] = v;
  }
  if (spec.expireAfterSeconds !== undefined && typeof spec.expireAfterSeconds !== "number") {
    throw new MongoCommandError("CannotCreateIndex", "TTL index 'expireAfterSeconds' option must be numeric");
  }
  return spec;
}

/** Two specs describe the same index when key and options match (name aside). */
export function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  const strip = (s: IndexSpec): string => {
    const { name: _n, v: _v, ...rest } = s;
    return keyOf(rest);
  };
  return strip(a) === strip(b);
}

export class Index {
  readonly spec: IndexSpec;
  private readonly fields: Array<[string, string[]]>;
  private readonly partial: Query | null;
  /** Unique indexes only: entry key -> owning document id key. */
  private readonly entries = new Map<string, string>();

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key).map((f) => [f, f.split(".")]);
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, {}) : null;
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return this.spec.unique === true || this.spec.name === "_id_";
  }

  /** False when a partial index's filter excludes the document. */
  covers(doc: Doc): boolean {
    return !this.partial || this.partial.test(doc);
  }

  /** Index keys of a document (several for multikey), or none when sparse/partial exclude it. */
  keysFor(doc: Doc): Array<{ key: string; values: unknown[] }> {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.fields.map(([, path]) => valuesAtPath(doc, path));
    if (this.spec.sparse && perField.every((vals) => vals.every((v) => v === undefined))) return [];
    // Cartesian product (MongoDB allows at most one array field per compound key, so this stays small).
    let combos: unknown[][] = [[]];
    for (const vals of perField) {
      const next: unknown[][] = [];
      for (const combo of combos) for (const v of vals) next.push([...combo, v === undefined ? null : v]);
      combos = next;
    }
    const seen = new Map<string, unknown[]>();
    for (const values of combos) seen.set(keyOf(values), values);
    return [...seen].map(([key, values]) => ({ key, values }));
  }

  /** Throws E11000 if `doc` would collide with an entry of another document (`self` is the document's own id when replacing). */
  check(doc: Doc, self: string | null, ns: string): void {
    if (!this.unique) return;
    for (const { key, values } of this.keysFor(doc)) {
      const owner = this.entries.get(key);
      if (owner !== undefined && owner !== self) throw this.duplicateError(ns, values);
    }
  }

  add(doc: Doc, idKey: string): void {
    if (!this.unique) return;
    for (const { key } of this.keysFor(doc)) this.entries.set(key, idKey);
  }

  remove(doc: Doc, idKey: string): void {
    if (!this.unique) return;
    for (const { key } of this.keysFor(doc)) if (this.entries.get(key) === idKey) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  duplicateError(ns: string, values: unknown[]): MongoCommandError {
    const keyPattern: Doc = {};
    const keyValue: Doc = {};
    this.fields.forEach(([field], i) => {
      keyPattern[field] = this.spec.key[field];
      keyValue[field] = values[i];
    });
    const shown = this.fields
      .map(([field], i) => `${field}: ${JSON.stringify(values[i] ?? null)}`)
      .join(", ");
    return new MongoCommandError(
      "DuplicateKey",
      `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: { ${shown} }`,
      { keyPattern, keyValue },
    );
  }
}
