// createIndexes / listIndexes / dropIndexes.
import { MongoCommandError } from "../errors.js";
import { normaliseIndexSpec, sameIndexOptions, type IndexSpec } from "../indexes.js";
import { isPlainObject, type Doc } from "../types.js";
import { keyOf } from "../values.js";
import { collectionName, cursorBatchSize, type CommandContext, type Handler } from "./context.js";

function createIndexes(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "createIndexes");
  const raw = cmd["indexes"];
  if (!Array.isArray(raw) || raw.length === 0)
    throw new MongoCommandError("BadValue", "Must specify at least one index to create");
  const specs = raw.map(normaliseIndexSpec);
  const existed = ctx.store.getCollection(ctx.db, name);
  existed?.assertWritable();
  const coll = existed ?? ctx.store.ensureCollection(ctx.db, name);
  const numIndexesBefore = coll.indexes.size;
  const toBuild = specs.filter((spec) => {
    const sameName = coll.indexes.get(spec.name);
    if (sameName) {
      if (keyOf(sameName.spec.key) !== keyOf(spec.key)) {
        throw new MongoCommandError(
          "IndexKeySpecsConflict",
          `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      if (!sameIndexOptions(sameName.spec, spec) && spec.name !== "_id_") {
        throw new MongoCommandError(
          "IndexOptionsConflict",
          `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      return false;
    }
    for (const index of coll.indexes.values()) {
      if (
        keyOf(index.spec.key) === keyOf(spec.key) &&
        sameIndexOptions(index.spec, { ...spec, key: index.spec.key })
      ) {
        throw new MongoCommandError(
          "IndexOptionsConflict",
          `Index already exists with a different name: ${index.name}`,
        );
      }
    }
    return true;
  });
  for (const spec of toBuild) coll.createIndex(spec);
  const reply: Doc = {
    numIndexesBefore,
    numIndexesAfter: coll.indexes.size,
    createdCollectionAutomatically: !existed,
  };
  if (toBuild.length === 0) reply["note"] = "all indexes already exist";
  return reply;
}

function listIndexes(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "listIndexes");
  const coll = ctx.store.getCollection(ctx.db, name);
  if (!coll) throw new MongoCommandError("NamespaceNotFound", `ns does not exist: ${ctx.db}.${name}`);
  const specs = [...coll.indexes.values()].map((index) => index.spec as Doc);
  return { cursor: ctx.cursors.open(`${ctx.db}.${name}`, specs, cursorBatchSize(cmd)) };
}

function dropIndexes(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "dropIndexes");
  const coll = ctx.store.getCollection(ctx.db, name);
  if (!coll) throw new MongoCommandError("NamespaceNotFound", `ns not found ${ctx.db}.${name}`);
  coll.assertWritable();
  const nIndexesWas = coll.indexes.size;
  const target = cmd["index"];
  let names: string[];
  if (target === "*") {
    names = [...coll.indexes.keys()].filter((n) => n !== "_id_");
  } else if (typeof target === "string") {
    names = [target];
  } else if (Array.isArray(target)) {
    names = target.map(String);
  } else if (isPlainObject(target)) {
    const found = [...coll.indexes.values()].find((index) => keyOf(index.spec.key) === keyOf(target));
    if (!found)
      throw new MongoCommandError("IndexNotFound", `can't find index with key: ${JSON.stringify(target)}`);
    names = [found.name];
  } else {
    throw new MongoCommandError("TypeMismatch", "index must be a string, array of strings or key document");
  }
  for (const n of names) {
    if (n === "_id_") throw new MongoCommandError("InvalidOptions", "cannot drop _id index");
    if (!coll.indexes.has(n))
      throw new MongoCommandError("IndexNotFound", `index not found with name [${n}]`);
  }
  for (const n of names) coll.dropIndex(n);
  return { nIndexesWas };
}

/** collMod, as far as indexes go: change a TTL index's expireAfterSeconds (or hide/unhide it). */
function collMod(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "collMod");
  const coll = ctx.store.getCollection(ctx.db, name);
  if (!coll) throw new MongoCommandError("NamespaceNotFound", `ns does not exist: ${ctx.db}.${name}`);
  const change = cmd["index"];
  if (!isPlainObject(change)) return {};
  const index = [...coll.indexes.values()].find((i) =>
    typeof change["name"] === "string"
      ? i.name === change["name"]
      : keyOf(i.spec.key) === keyOf(change["keyPattern"]),
  );
  if (!index)
    throw new MongoCommandError(
      "IndexNotFound",
      `cannot find index ${JSON.stringify(change["name"] ?? change["keyPattern"])}`,
    );
  const spec: Doc = { ...index.spec };
  const reply: Doc = {};
  for (const option of ["expireAfterSeconds", "hidden"] as const) {
    if (change[option] === undefined) continue;
    reply[`${option}_old`] = spec[option];
    reply[`${option}_new`] = change[option];
    spec[option] = change[option];
  }
  coll.createIndex(spec as IndexSpec); // same name: replaced in place, keeping listIndexes order
  return reply;
}

export const indexCommands: Record<string, Handler> = {
  collMod,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: (cmd, ctx) => dropIndexes({ ...cmd, dropIndexes: cmd["deleteIndexes"] }, ctx),
};
