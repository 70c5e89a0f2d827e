// Databases and collections: create, drop, list, rename, stats.
import { calculateObjectSize } from "bson";
import { MongoCommandError } from "../errors.js";
import { compileFilter } from "../query.js";
import type { Collection } from "../store.js";
import type { Doc } from "../types.js";
import {
  collectionName,
  cursorBatchSize,
  optionalDoc,
  type CommandContext,
  type Handler,
} from "./context.js";

const CREATE_OPTIONS_IGNORED = new Set([
  "create",
  "$db",
  "lsid",
  "$readPreference",
  "writeConcern",
  "comment",
  "$clusterTime",
  "apiVersion",
  "apiStrict",
  "apiDeprecationErrors",
]);

function create(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "create");
  const options: Doc = {};
  for (const [k, v] of Object.entries(cmd))
    if (!CREATE_OPTIONS_IGNORED.has(k) && v !== undefined) options[k] = v;
  if (options["viewOn"] !== undefined) {
    if (typeof options["viewOn"] !== "string")
      throw new MongoCommandError("TypeMismatch", "'viewOn' option must be a string");
    if (options["pipeline"] !== undefined && !Array.isArray(options["pipeline"])) {
      throw new MongoCommandError("TypeMismatch", "'pipeline' option must be an array");
    }
    options["pipeline"] = options["pipeline"] ?? [];
  } else if (options["pipeline"] !== undefined) {
    throw new MongoCommandError("BadValue", "'pipeline' requires 'viewOn' to also be specified");
  }
  const existing = ctx.store.getCollection(ctx.db, name);
  if (existing) {
    // Creating an identical collection again is accepted by mongod 7.
    if (Object.keys(options).length === 0 && !existing.view) return {};
    throw new MongoCommandError("NamespaceExists", `Collection ${ctx.db}.${name} already exists.`);
  }
  ctx.store.createCollection(ctx.db, name, options);
  return {};
}

function drop(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "drop");
  const coll = ctx.store.getCollection(ctx.db, name);
  if (!coll) throw new MongoCommandError("NamespaceNotFound", "ns not found");
  const nIndexesWas = coll.indexes.size;
  ctx.store.dropCollection(ctx.db, name);
  return { nIndexesWas, ns: coll.ns };
}

function dropDatabase(_cmd: Doc, ctx: CommandContext): Doc {
  ctx.store.dropDatabase(ctx.db);
  return { dropped: ctx.db };
}

function collectionInfo(coll: Collection): Doc {
  const view = coll.view;
  if (view)
    return {
      name: coll.name,
      type: "view",
      options: { viewOn: view.viewOn, pipeline: view.pipeline },
      info: { readOnly: true },
    };
  return {
    name: coll.name,
    type: "collection",
    options: coll.options,
    info: { readOnly: false, uuid: coll.uuid },
    idIndex: { v: 2, key: { _id: 1 }, name: "_id_" },
  };
}

function listCollections(cmd: Doc, ctx: CommandContext): Doc {
  const filter = optionalDoc(cmd, "filter");
  const nameOnly = cmd["nameOnly"] === true;
  const database = ctx.store.databases.get(ctx.db);
  let infos = database ? [...database.collections.values()].map(collectionInfo) : [];
  if (filter) {
    const query = compileFilter(filter);
    infos = infos.filter((info) => query.test(info));
  }
  const batch = nameOnly ? infos.map((info) => ({ name: info["name"], type: info["type"] })) : infos;
  return { cursor: ctx.cursors.open(`${ctx.db}.$cmd.listCollections`, batch, cursorBatchSize(cmd)) };
}

function databaseSize(ctx: CommandContext, db: string): number {
  let size = 0;
  for (const coll of ctx.store.databases.get(db)?.collections.values() ?? []) {
    for (const doc of coll.docs.values()) size += calculateObjectSize(doc);
  }
  return size;
}

function listDatabases(cmd: Doc, ctx: CommandContext): Doc {
  const filter = optionalDoc(cmd, "filter");
  let databases: Doc[] = [...ctx.store.databases.keys()].map((name) => {
    const sizeOnDisk = databaseSize(ctx, name);
    return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
  });
  if (filter) {
    const query = compileFilter(filter);
    databases = databases.filter((d) => query.test(d));
  }
  if (cmd["nameOnly"] === true) return { databases: databases.map((d) => ({ name: d["name"] })) };
  const totalSize = databases.reduce((sum, d) => sum + (d["sizeOnDisk"] as number), 0);
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / 1024 / 1024) };
}

function renameCollection(cmd: Doc, ctx: CommandContext): Doc {
  const from = cmd["renameCollection"];
  const to = cmd["to"];
  if (typeof from !== "string" || typeof to !== "string")
    throw new MongoCommandError("TypeMismatch", "renameCollection and to must be strings");
  const [fromDb, ...fromRest] = from.split(".");
  const [toDb, ...toRest] = to.split(".");
  const source = ctx.store.getCollection(fromDb!, fromRest.join("."));
  if (!source) throw new MongoCommandError("NamespaceNotFound", `Source collection ${from} does not exist`);
  const targetName = toRest.join(".");
  if (ctx.store.getCollection(toDb!, targetName)) {
    if (cmd["dropTarget"] !== true) throw new MongoCommandError("NamespaceExists", "target namespace exists");
    ctx.store.dropCollection(toDb!, targetName);
  }
  const target = ctx.store.createCollection(toDb!, targetName, source.options);
  for (const index of source.indexes.values()) if (index.name !== "_id_") target.createIndex(index.spec);
  for (const doc of source.docs.values()) target.insert(doc);
  ctx.store.dropCollection(fromDb!, fromRest.join("."));
  return {};
}

function collStats(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "collStats");
  const coll = ctx.store.getCollection(ctx.db, name);
  let size = 0;
  for (const doc of coll?.docs.values() ?? []) size += calculateObjectSize(doc);
  const count = coll?.docs.size ?? 0;
  return {
    ns: `${ctx.db}.${name}`,
    count,
    size,
    avgObjSize: count ? Math.floor(size / count) : 0,
    storageSize: size,
    nindexes: coll?.indexes.size ?? 0,
  };
}

function dbStats(_cmd: Doc, ctx: CommandContext): Doc {
  const collections = ctx.store.databases.get(ctx.db)?.collections;
  let objects = 0;
  for (const coll of collections?.values() ?? []) objects += coll.docs.size;
  const dataSize = databaseSize(ctx, ctx.db);
  return {
    db: ctx.db,
    collections: collections?.size ?? 0,
    views: 0,
    objects,
    dataSize,
    storageSize: dataSize,
    indexes: 0,
  };
}

export const collectionCommands: Record<string, Handler> = {
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  renameCollection,
  collStats,
  dbStats,
};
