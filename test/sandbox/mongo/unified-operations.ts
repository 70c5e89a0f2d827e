// Entity operations of the unified test format, mapped onto the Node.js driver's API.
import type { ClientSession, Collection, Db, Document, FindCursor, MongoClient } from "mongodb";
import type { Entities } from "./unified-match.js";

export interface OperationSpec {
  name: string;
  object: string;
  arguments?: Record<string, unknown>;
  expectResult?: unknown;
  expectError?: Record<string, unknown>;
  ignoreResultAndError?: boolean;
  saveResultAsEntity?: string;
}

/** Fail points set during a test, switched off afterwards. */
export interface FailPointRecord {
  client: MongoClient;
  name: string;
}

export interface OperationState {
  entities: Entities;
  failPoints: FailPointRecord[];
  /** The runner's own client, for assertions that must not show up in a client's events. */
  internalClient: MongoClient;
}

type Args = Record<string, unknown>;
type Op<T> = (target: T, args: Args, state: OperationState) => Promise<unknown>;

/** Options with `session` resolved to its entity. */
function options(args: Args, state: OperationState, ...omit: string[]): Args {
  const out: Args = {};
  for (const [k, v] of Object.entries(args)) {
    if (omit.includes(k)) continue;
    out[k] = k === "session" ? (state.entities.get(String(v)) as ClientSession) : v;
  }
  if (typeof out["returnDocument"] === "string") {
    const mode = out["returnDocument"].toLowerCase();
    if (mode !== "before" && mode !== "after")
      throw new Error(`invalid returnDocument ${String(args["returnDocument"])}`);
    out["returnDocument"] = mode;
  }
  return out;
}

const f = (args: Args): Document => (args["filter"] as Document | undefined) ?? {};

const collectionOps: Record<string, Op<Collection>> = {
  aggregate: (c, a, s) => c.aggregate(a["pipeline"] as Document[], options(a, s, "pipeline")).toArray(),
  bulkWrite: (c, a, s) => c.bulkWrite(a["requests"] as never, options(a, s, "requests")),
  count: (c, a, s) => c.count(f(a), options(a, s, "filter")),
  countDocuments: (c, a, s) => c.countDocuments(f(a), options(a, s, "filter")),
  estimatedDocumentCount: (c, a, s) => c.estimatedDocumentCount(options(a, s)),
  deleteMany: (c, a, s) => c.deleteMany(f(a), options(a, s, "filter")),
  deleteOne: (c, a, s) => c.deleteOne(f(a), options(a, s, "filter")),
  distinct: (c, a, s) => c.distinct(String(a["fieldName"]), f(a), options(a, s, "fieldName", "filter")),
  find: (c, a, s) => c.find(f(a), options(a, s, "filter")).toArray(),
  findOne: (c, a, s) => c.findOne(f(a), options(a, s, "filter")),
  findOneAndDelete: (c, a, s) => c.findOneAndDelete(f(a), options(a, s, "filter")),
  findOneAndReplace: (c, a, s) =>
    c.findOneAndReplace(f(a), a["replacement"] as Document, options(a, s, "filter", "replacement")),
  findOneAndUpdate: (c, a, s) =>
    c.findOneAndUpdate(f(a), a["update"] as Document, options(a, s, "filter", "update")),
  insertMany: (c, a, s) => c.insertMany(a["documents"] as Document[], options(a, s, "documents")),
  insertOne: (c, a, s) => c.insertOne(a["document"] as Document, options(a, s, "document")),
  replaceOne: (c, a, s) =>
    c.replaceOne(f(a), a["replacement"] as Document, options(a, s, "filter", "replacement")),
  updateMany: (c, a, s) => c.updateMany(f(a), a["update"] as Document, options(a, s, "filter", "update")),
  updateOne: (c, a, s) => c.updateOne(f(a), a["update"] as Document, options(a, s, "filter", "update")),
  createIndex: (c, a, s) => c.createIndex(a["keys"] as Document, options(a, s, "keys")),
  dropIndex: (c, a, s) => c.dropIndex(String(a["name"]), options(a, s, "name")),
  dropIndexes: (c, a, s) => c.dropIndexes(options(a, s)),
  listIndexes: (c, a, s) => c.listIndexes(options(a, s)).toArray(),
  createFindCursor: async (c, a, s) => {
    const cursor = c.find(f(a), options(a, s, "filter"));
    await cursor.hasNext(); // the find command must have run
    return cursor;
  },
  rename: (c, a, s) => c.rename(String(a["to"]), options(a, s, "to")),
  drop: (c, a, s) => c.drop(options(a, s)),
};

const databaseOps: Record<string, Op<Db>> = {
  aggregate: (d, a, s) => d.aggregate(a["pipeline"] as Document[], options(a, s, "pipeline")).toArray(),
  createCollection: (d, a, s) =>
    d.createCollection(String(a["collection"]), options(a, s, "collection")).then(() => undefined),
  dropCollection: (d, a, s) => d.dropCollection(String(a["collection"]), options(a, s, "collection")),
  listCollections: (d, a, s) => d.listCollections(f(a), options(a, s, "filter")).toArray(),
  listCollectionNames: async (d, a, s) =>
    (await d.listCollections(f(a), { ...options(a, s, "filter"), nameOnly: true }).toArray()).map(
      (c) => c.name,
    ),
  runCommand: (d, a, s) => d.command(a["command"] as Document, options(a, s, "command", "commandName")),
};

const clientOps: Record<string, Op<MongoClient>> = {
  listDatabases: async (c, a, s) => (await c.db("admin").admin().listDatabases(options(a, s))).databases,
  listDatabaseNames: async (c, a, s) =>
    (await c.db("admin").admin().listDatabases(options(a, s))).databases.map((d) => d.name),
};

const cursorOps: Record<string, Op<FindCursor>> = {
  iterateUntilDocumentOrError: async (cursor) => {
    const doc = await cursor.next();
    if (doc === null) throw new Error("cursor exhausted");
    return doc;
  },
  iterateOnce: (cursor) => cursor.tryNext(),
  close: (cursor) => cursor.close().catch(() => undefined),
};

function entity<T>(state: OperationState, name: string): T {
  if (!state.entities.has(name)) throw new Error(`undefined entity ${name}`);
  return state.entities.get(name) as T;
}

async function listIndexNames(state: OperationState, a: Args): Promise<string[]> {
  const indexes = await state.internalClient
    .db(String(a["databaseName"]))
    .collection(String(a["collectionName"]))
    .listIndexes()
    .toArray()
    .catch(() => []);
  return indexes.map((i) => String(i["name"]));
}

async function collectionExists(state: OperationState, a: Args): Promise<boolean> {
  const found = await state.internalClient
    .db(String(a["databaseName"]))
    .listCollections({ name: a["collectionName"] })
    .toArray();
  return found.length > 0;
}

const testRunnerOps: Record<string, Op<null>> = {
  failPoint: async (_t, a, s) => {
    const client = entity<MongoClient>(s, String(a["client"]));
    const failPoint = a["failPoint"] as Document;
    await client.db("admin").command(failPoint);
    s.failPoints.push({ client, name: String(failPoint["configureFailPoint"]) });
  },
  assertCollectionExists: async (_t, a, s) => {
    if (!(await collectionExists(s, a)))
      throw new Error(`collection ${String(a["collectionName"])} does not exist`);
  },
  assertCollectionNotExists: async (_t, a, s) => {
    if (await collectionExists(s, a)) throw new Error(`collection ${String(a["collectionName"])} exists`);
  },
  assertIndexExists: async (_t, a, s) => {
    if (!(await listIndexNames(s, a)).includes(String(a["indexName"])))
      throw new Error(`index ${String(a["indexName"])} missing`);
  },
  assertIndexNotExists: async (_t, a, s) => {
    if ((await listIndexNames(s, a)).includes(String(a["indexName"])))
      throw new Error(`index ${String(a["indexName"])} exists`);
  },
};

export type EntityKind = "client" | "database" | "collection" | "session" | "cursor" | "testRunner";

const opsByKind: Record<EntityKind, Record<string, Op<never>>> = {
  client: clientOps,
  database: databaseOps,
  collection: collectionOps,
  cursor: cursorOps,
  session: {},
  testRunner: testRunnerOps,
};

export function isSupportedOperation(kind: EntityKind | undefined, name: string): boolean {
  if (!kind) return Object.values(opsByKind).some((ops) => Object.hasOwn(ops, name));
  return Object.hasOwn(opsByKind[kind], name);
}

export async function executeOperation(
  kind: EntityKind,
  target: unknown,
  op: OperationSpec,
  state: OperationState,
): Promise<unknown> {
  const fn = opsByKind[kind][op.name];
  if (!fn) throw new Error(`unsupported operation ${kind}.${op.name}`);
  return fn(target as never, op.arguments ?? {}, state);
}
