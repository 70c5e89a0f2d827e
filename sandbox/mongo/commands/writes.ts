// Write commands: insert, update, delete, findAndModify. Per-statement errors become `writeErrors`
// (ordered writes stop at the first one), as mongod reports them.
import { ObjectId } from "bson";
import { MongoCommandError, toCommandError } from "../errors.js";
import { compileFilter, project, runQuery } from "../query.js";
import type { Collection } from "../store.js";
import { isPlainObject, type Doc } from "../types.js";
import {
  applyUpdate,
  buildUpsertDocument,
  documentsDiffer,
  isOperatorUpdate,
  isPipelineUpdate,
  validateUpdate,
  type UpdateSpec,
} from "../update.js";
import { withIdFirst } from "../values.js";
import { collectionName, optionalDoc, type CommandContext, type Handler } from "./context.js";

function statements(cmd: Doc, field: string): Doc[] {
  const list = cmd[field];
  if (!Array.isArray(list) || !list.every(isPlainObject)) {
    throw new MongoCommandError("TypeMismatch", `BSON field '${field}' must be an array of objects`);
  }
  return list as Doc[];
}

function writableCollection(ctx: CommandContext, name: string): Collection {
  const existing = ctx.store.getCollection(ctx.db, name);
  existing?.assertWritable();
  return existing ?? ctx.store.ensureCollection(ctx.db, name);
}

/** Runs each statement, collecting per-statement errors; ordered writes stop at the first error. */
function eachStatement(list: Doc[], ordered: boolean, run: (statement: Doc) => void): Doc[] {
  const writeErrors: Doc[] = [];
  for (let i = 0; i < list.length; i++) {
    try {
      run(list[i]!);
    } catch (err) {
      writeErrors.push(toCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function prepareInsert(doc: Doc): Doc {
  const id = doc["_id"];
  if (Array.isArray(id))
    throw new MongoCommandError("InvalidIdField", "The '_id' value cannot be of type array");
  if (id instanceof RegExp)
    throw new MongoCommandError("InvalidIdField", "The '_id' value cannot be of type regex");
  return id === undefined ? { _id: new ObjectId(), ...doc } : withIdFirst(doc);
}

function insert(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "insert");
  const docs = statements(cmd, "documents");
  const coll = writableCollection(ctx, name);
  let n = 0;
  const writeErrors = eachStatement(docs, cmd["ordered"] !== false, (doc) => {
    coll.insert(prepareInsert(doc));
    n++;
  });
  return writeErrors.length ? { n, writeErrors } : { n };
}

interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
}

function updateStatement(
  ctx: CommandContext,
  name: string,
  statement: Doc,
  variables: Doc | undefined,
): UpdateOutcome {
  const filter = optionalDoc(statement, "q") ?? {};
  const update = validateUpdate(statement["u"]) as UpdateSpec;
  const multi = statement["multi"] === true;
  if (multi && !isOperatorUpdate(update) && !isPipelineUpdate(update)) {
    throw new MongoCommandError(
      "FailedToParse",
      "multi update is not supported for replacement-style update",
    );
  }
  const collation = optionalDoc(statement, "collation");
  const arrayFilters = Array.isArray(statement["arrayFilters"])
    ? (statement["arrayFilters"] as Doc[])
    : undefined;
  const vars = optionalDoc(statement, "c") ?? variables;
  const existing = ctx.store.getCollection(ctx.db, name);
  existing?.assertWritable();
  const matches = existing
    ? runQuery(existing.candidates(filter, collation), {
        filter,
        collation,
        variables: vars,
        // updateOne may name which document it updates first (MongoDB 8 `sort`).
        sort: multi ? undefined : optionalDoc(statement, "sort"),
        limit: multi ? undefined : 1,
      })
    : [];
  let modified = 0;
  for (const doc of matches) {
    const next = applyUpdate(doc, update, {
      filter,
      arrayFilters,
      collation,
      variables: vars,
      inserting: false,
    });
    if (documentsDiffer(doc, next)) {
      existing!.replace(doc, next);
      modified++;
    }
  }
  if (matches.length === 0 && statement["upsert"] === true) {
    const doc = buildUpsertDocument(filter, update, { arrayFilters, collation, variables: vars });
    writableCollection(ctx, name).insert(doc);
    return { matched: 0, modified: 0, upsertedId: doc["_id"] };
  }
  return { matched: matches.length, modified };
}

function update(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "update");
  const list = statements(cmd, "updates");
  const variables = optionalDoc(cmd, "let");
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  let index = 0;
  const writeErrors = eachStatement(list, cmd["ordered"] !== false, (statement) => {
    const i = index++;
    const outcome = updateStatement(ctx, name, statement, variables);
    if (outcome.upsertedId !== undefined) {
      n += 1;
      upserted.push({ index: i, _id: outcome.upsertedId });
    } else {
      n += outcome.matched;
      nModified += outcome.modified;
    }
  });
  const reply: Doc = { n, nModified };
  if (upserted.length) reply["upserted"] = upserted;
  if (writeErrors.length) reply["writeErrors"] = writeErrors;
  return reply;
}

function deleteCommand(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "delete");
  const list = statements(cmd, "deletes");
  const variables = optionalDoc(cmd, "let");
  let n = 0;
  const writeErrors = eachStatement(list, cmd["ordered"] !== false, (statement) => {
    const limit = statement["limit"];
    if (limit !== 0 && limit !== 1)
      throw new MongoCommandError("FailedToParse", "The limit field in delete objects must be 0 or 1");
    const coll = ctx.store.getCollection(ctx.db, name);
    if (!coll) return;
    coll.assertWritable();
    const filter = optionalDoc(statement, "q") ?? {};
    const collation = optionalDoc(statement, "collation");
    const query = compileFilter(filter, collation, variables);
    for (const doc of coll.candidates(filter, collation)) {
      if (!query.test(doc)) continue;
      coll.remove(doc);
      n++;
      if (limit === 1) break;
    }
  });
  return writeErrors.length ? { n, writeErrors } : { n };
}

function findAndModify(cmd: Doc, ctx: CommandContext): Doc {
  const name =
    typeof cmd["findAndModify"] === "string"
      ? collectionName(cmd, "findAndModify")
      : collectionName(cmd, "findandmodify");
  const remove = cmd["remove"] === true;
  const rawUpdate = cmd["update"];
  if (remove && rawUpdate !== undefined)
    throw new MongoCommandError("FailedToParse", "Cannot specify both an update and remove=true");
  if (!remove && rawUpdate === undefined)
    throw new MongoCommandError("FailedToParse", "Either an update or remove=true must be specified");
  if (remove && cmd["upsert"] === true)
    throw new MongoCommandError("FailedToParse", "Cannot specify both upsert=true and remove=true");
  if (remove && cmd["new"] === true)
    throw new MongoCommandError(
      "FailedToParse",
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    );
  const filter = optionalDoc(cmd, "query") ?? {};
  const fields = optionalDoc(cmd, "fields");
  const collation = optionalDoc(cmd, "collation");
  const variables = optionalDoc(cmd, "let");
  const shape = (doc: Doc | null): Doc | null =>
    doc && fields && Object.keys(fields).length ? project(doc, fields) : doc;
  const existing = ctx.store.getCollection(ctx.db, name);
  existing?.assertWritable();
  const update = remove ? null : validateUpdate(rawUpdate);
  const [match] = existing
    ? runQuery(existing.candidates(filter, collation), {
        filter,
        sort: optionalDoc(cmd, "sort"),
        limit: 1,
        collation,
        variables,
      })
    : [];
  if (remove) {
    if (!match) return { lastErrorObject: { n: 0 }, value: null };
    existing!.remove(match);
    return { lastErrorObject: { n: 1 }, value: shape(match) };
  }
  const arrayFilters = Array.isArray(cmd["arrayFilters"]) ? (cmd["arrayFilters"] as Doc[]) : undefined;
  if (match) {
    const next = applyUpdate(match, update!, {
      filter,
      arrayFilters,
      collation,
      variables,
      inserting: false,
    });
    if (documentsDiffer(match, next)) existing!.replace(match, next);
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: shape(cmd["new"] === true ? next : match),
    };
  }
  if (cmd["upsert"] === true) {
    const doc = buildUpsertDocument(filter, update!, { arrayFilters, collation, variables });
    writableCollection(ctx, name).insert(doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc["_id"] },
      value: cmd["new"] === true ? shape(doc) : null,
    };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
}

export const writeCommands: Record<string, Handler> = {
  insert,
  update,
  delete: deleteCommand,
  findAndModify,
  findandmodify: findAndModify,
};
