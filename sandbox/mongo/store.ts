// The in-memory data: databases -> collections -> documents keyed by _id, plus their indexes.
// Every mutation is also reported as a journal record so persistence can make it durable.
import { calculateObjectSize, UUID } from "bson";
import { MongoCommandError } from "./errors.js";
import { FieldIndex, isLookupPath } from "./field-index.js";
import { Index, idIndexSpec, type IndexSpec } from "./indexes.js";
import { candidateIds } from "./planner.js";
import type { Doc } from "./types.js";
import { keyOf } from "./values.js";

export type JournalRecord =
  | { op: "insert"; ns: string; doc: Doc }
  | { op: "replace"; ns: string; doc: Doc }
  | { op: "delete"; ns: string; id: unknown }
  | { op: "createCollection"; ns: string; options: Doc }
  | { op: "dropCollection"; ns: string }
  | { op: "dropDatabase"; db: string }
  | { op: "createIndex"; ns: string; spec: IndexSpec }
  | { op: "dropIndex"; ns: string; name: string };

export type MutationListener = (record: JournalRecord) => void;

export interface ViewDefinition {
  viewOn: string;
  pipeline: Doc[];
}

export class Collection {
  readonly docs = new Map<string, Doc>();
  readonly indexes = new Map<string, Index>();
  readonly uuid = new UUID();
  /** Value lookups for `_id` and every field of every index, so filters on them skip the scan. */
  private readonly lookups = new Map<string, FieldIndex>();
  /** Insertion order of each document (kept by replace), so index answers come back in scan order. */
  private readonly order = new Map<string, number>();
  private nextOrder = 0;

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc,
    private readonly emit: MutationListener,
  ) {
    if (!this.view) {
      this.indexes.set("_id_", new Index(idIndexSpec()));
      this.lookups.set("_id", new FieldIndex("_id"));
    }
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get view(): ViewDefinition | null {
    const viewOn = this.options["viewOn"];
    if (typeof viewOn !== "string") return null;
    return { viewOn, pipeline: (this.options["pipeline"] as Doc[] | undefined) ?? [] };
  }

  assertWritable(): void {
    if (this.view)
      throw new MongoCommandError(
        "CommandNotSupportedOnView",
        `Namespace ${this.ns} is a view, not a collection`,
      );
  }

  all(): Doc[] {
    return [...this.docs.values()];
  }

  /**
   * A superset of the documents a filter can match, in stored order: those an index pins down by
   * equality, `$in` or a range on an indexed field, otherwise all of them. The caller still applies
   * the filter (and any sort, skip and limit).
   */
  candidates(filter: Doc | undefined, collation?: Doc): Doc[] {
    if (!filter || this.docs.size === 0) return this.all();
    const ids = candidateIds(filter, {
      lookup: (field) => this.lookups.get(field),
      max: Math.max(16, this.docs.size / 2),
      strings: !collation || collation["locale"] === "simple",
    });
    if (ids === null) return this.all();
    const found: Array<[number, Doc]> = [];
    for (const id of ids) {
      const doc = this.docs.get(id);
      if (doc) found.push([this.order.get(id)!, doc]);
    }
    if (found.length > 1) found.sort((a, b) => a[0] - b[0]);
    return found.map(([, doc]) => doc);
  }

  /** The lookup kept for a field (the leading field of an index, or `_id`), if any. */
  lookup(field: string): FieldIndex | undefined {
    return this.lookups.get(field);
  }

  insert(doc: Doc): void {
    this.assertWritable();
    const id = keyOf(doc["_id"]);
    for (const index of this.indexes.values()) index.check(doc, null, this.ns);
    for (const index of this.indexes.values()) index.add(doc, id);
    for (const lookup of this.lookups.values()) lookup.add(doc, id);
    this.docs.set(id, doc);
    this.order.set(id, this.nextOrder++);
    this.emit({ op: "insert", ns: this.ns, doc });
    if (this.options["capped"] === true) this.trimCapped();
  }

  /** Capped collections drop their oldest documents beyond `max` documents or `size` bytes. */
  private trimCapped(): void {
    const max =
      typeof this.options["max"] === "number" && this.options["max"] > 0 ? this.options["max"] : Infinity;
    const size =
      typeof this.options["size"] === "number" && this.options["size"] > 0 ? this.options["size"] : Infinity;
    let bytes = 0;
    if (size !== Infinity) for (const doc of this.docs.values()) bytes += calculateObjectSize(doc);
    for (const doc of this.docs.values()) {
      if (this.docs.size <= 1 || (this.docs.size <= max && bytes <= size)) break;
      if (size !== Infinity) bytes -= calculateObjectSize(doc);
      this.remove(doc);
    }
  }

  /** Replaces a stored document by a new version with the same _id (its position is kept). */
  replace(previous: Doc, next: Doc): void {
    this.assertWritable();
    const id = keyOf(previous["_id"]);
    for (const index of this.indexes.values()) index.check(next, id, this.ns);
    for (const index of this.indexes.values()) index.remove(previous, id);
    for (const index of this.indexes.values()) index.add(next, id);
    for (const lookup of this.lookups.values()) {
      lookup.remove(previous, id);
      lookup.add(next, id);
    }
    this.docs.set(id, next);
    this.emit({ op: "replace", ns: this.ns, doc: next });
  }

  remove(doc: Doc): void {
    this.assertWritable();
    const id = keyOf(doc["_id"]);
    if (!this.docs.has(id)) return;
    for (const index of this.indexes.values()) index.remove(doc, id);
    for (const lookup of this.lookups.values()) lookup.remove(doc, id);
    this.docs.delete(id);
    this.order.delete(id);
    this.emit({ op: "delete", ns: this.ns, id: doc["_id"] });
  }

  /** Builds an index over the current documents; a unique build over duplicates fails and leaves nothing. */
  createIndex(spec: IndexSpec): void {
    this.assertWritable();
    const index = new Index(spec);
    for (const [id, doc] of this.docs) {
      index.check(doc, null, this.ns);
      index.add(doc, id);
    }
    this.indexes.set(spec.name, index);
    // Every field of the key, not only the leading one: compound indexes here lead with a field
    // every document shares (accountId), and the planner takes the most selective lookup.
    for (const field of Object.keys(spec.key)) {
      if (this.lookups.has(field) || !isLookupPath(field)) continue;
      const lookup = new FieldIndex(field);
      for (const [id, doc] of this.docs) lookup.add(doc, id);
      this.lookups.set(field, lookup);
    }
    this.emit({ op: "createIndex", ns: this.ns, spec });
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
    const indexed = new Set([...this.indexes.values()].flatMap((index) => Object.keys(index.spec.key)));
    for (const field of this.lookups.keys())
      if (field !== "_id" && !indexed.has(field)) this.lookups.delete(field);
    this.emit({ op: "dropIndex", ns: this.ns, name });
  }
}

export class Database {
  readonly collections = new Map<string, Collection>();
  constructor(readonly name: string) {}
}

export class Store {
  readonly databases = new Map<string, Database>();
  private listener: MutationListener = () => {};

  /** Sets where mutation records go (the journal); none while replaying. */
  onMutation(listener: MutationListener): void {
    this.listener = listener;
  }

  private emit: MutationListener = (record) => this.listener(record);

  getCollection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.collections.get(name);
  }

  /** MongoDB creates collections implicitly on first write. */
  ensureCollection(db: string, name: string): Collection {
    return this.getCollection(db, name) ?? this.createCollection(db, name, {});
  }

  createCollection(db: string, name: string, options: Doc): Collection {
    validateCollectionName(db, name);
    let database = this.databases.get(db);
    if (!database) {
      database = new Database(db);
      this.databases.set(db, database);
    }
    if (database.collections.has(name)) {
      throw new MongoCommandError("NamespaceExists", `Collection ${db}.${name} already exists.`);
    }
    const coll = new Collection(db, name, options, this.emit);
    database.collections.set(name, coll);
    this.emit({ op: "createCollection", ns: coll.ns, options });
    return coll;
  }

  dropCollection(db: string, name: string): boolean {
    const database = this.databases.get(db);
    if (!database?.collections.delete(name)) return false;
    if (database.collections.size === 0) this.databases.delete(db);
    this.emit({ op: "dropCollection", ns: `${db}.${name}` });
    return true;
  }

  dropDatabase(db: string): void {
    if (!this.databases.delete(db)) return;
    this.emit({ op: "dropDatabase", db });
  }

  /** Applies a journal record while loading (the listener is not called). */
  apply(record: JournalRecord): void {
    const saved = this.listener;
    this.listener = () => {};
    try {
      applyRecord(this, record);
    } finally {
      this.listener = saved;
    }
  }
}

function splitNs(ns: string): [string, string] {
  const dot = ns.indexOf(".");
  return [ns.slice(0, dot), ns.slice(dot + 1)];
}

function applyRecord(store: Store, record: JournalRecord): void {
  if (record.op === "dropDatabase") return store.dropDatabase(record.db);
  const [db, name] = splitNs(record.ns);
  switch (record.op) {
    case "createCollection":
      if (!store.getCollection(db, name)) store.createCollection(db, name, record.options);
      return;
    case "dropCollection":
      store.dropCollection(db, name);
      return;
    case "insert":
    case "replace": {
      const coll = store.ensureCollection(db, name);
      const previous = coll.docs.get(keyOf(record.doc["_id"]));
      if (previous) coll.replace(previous, record.doc);
      else coll.insert(record.doc);
      return;
    }
    case "delete": {
      const coll = store.getCollection(db, name);
      const doc = coll?.docs.get(keyOf(record.id));
      if (coll && doc) coll.remove(doc);
      return;
    }
    case "createIndex":
      store.ensureCollection(db, name).createIndex(record.spec);
      return;
    case "dropIndex":
      store.getCollection(db, name)?.dropIndex(record.name);
      return;
  }
}

export function validateCollectionName(db: string, name: string): void {
  if (!db || /[/\\. "$]/.test(db))
    throw new MongoCommandError("InvalidNamespace", `Invalid database name: '${db}'`);
  if (!name || name.includes("$") || name.includes("\0") || name.startsWith(".")) {
    throw new MongoCommandError("InvalidNamespace", `Invalid collection name: ${name}`);
  }
}
