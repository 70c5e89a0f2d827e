// Applying one update (operators, replacement document or pipeline) to one document, with the checks
// mongod makes that mingo does not: unknown/conflicting operators, numeric $inc/$mul, immutable _id,
// and $setOnInsert (only when an upsert inserts).
import { ObjectId } from "bson";
import { Aggregator, update as mingoUpdate } from "mingo";
import { MongoCommandError } from "./errors.js";
import { mingoOptions } from "./query.js";
import { isPlainObject, type Doc } from "./types.js";
import { bsonTypeName, cloneDoc, getPath, isNumeric, keyOf, setPath, withIdFirst } from "./values.js";

export type UpdateSpec = Doc | Doc[];

const OPERATORS = new Set([
  "$set",
  "$unset",
  "$inc",
  "$mul",
  "$min",
  "$max",
  "$rename",
  "$currentDate",
  "$push",
  "$addToSet",
  "$pop",
  "$pull",
  "$pullAll",
  "$bit",
  "$setOnInsert",
]);

const PIPELINE_STAGES = new Set(["$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith"]);

export interface UpdateContext {
  filter?: Doc;
  arrayFilters?: Doc[];
  collation?: Doc;
  variables?: Doc;
  /** True when an upsert is inserting: $setOnInsert applies. */
  inserting: boolean;
}

export function isPipelineUpdate(update: UpdateSpec): update is Doc[] {
  return Array.isArray(update);
}

export function isOperatorUpdate(update: UpdateSpec): boolean {
  if (Array.isArray(update)) return false;
  const first = Object.keys(update)[0];
  return first !== undefined && first.startsWith("$");
}

/** Throws the error mongod gives for a malformed update before any document is touched. */
export function validateUpdate(update: unknown): UpdateSpec {
  if (Array.isArray(update)) {
    for (const stage of update) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_STAGES.has(name)) {
        throw new MongoCommandError(
          "InvalidOptions",
          `${name ?? "stage"} is not allowed to be used within an update`,
        );
      }
    }
    return update as Doc[];
  }
  if (!isPlainObject(update))
    throw new MongoCommandError("FailedToParse", "Update argument must be either an object or an array");
  if (!isOperatorUpdate(update)) {
    for (const key of Object.keys(update)) {
      if (key.startsWith("$")) {
        throw new MongoCommandError(
          "DollarPrefixedFieldName",
          `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document.`,
        );
      }
    }
    return update;
  }
  const paths: string[] = [];
  for (const [op, args] of Object.entries(update)) {
    if (!OPERATORS.has(op)) {
      throw new MongoCommandError(
        "FailedToParse",
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(args)) {
      throw new MongoCommandError(
        "FailedToParse",
        `Modifiers operate on fields but we found type ${bsonTypeName(args)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${JSON.stringify(args)}}`,
      );
    }
    for (const [path, value] of Object.entries(args)) {
      if ((op === "$inc" || op === "$mul") && !isNumeric(value)) {
        const verb = op === "$inc" ? "increment" : "multiply";
        throw new MongoCommandError(
          "TypeMismatch",
          `Cannot ${verb} with non-numeric argument: {${path}: ${JSON.stringify(value)}}`,
        );
      }
      paths.push(path.replace(/\.\$(\[[^\]]*\])?/g, ""));
      if (op === "$rename" && typeof value === "string") paths.push(value);
    }
  }
  assertNoConflicts(paths);
  return update;
}

function assertNoConflicts(paths: string[]): void {
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur === prev || cur.startsWith(`${prev}.`)) {
      throw new MongoCommandError(
        "ConflictingUpdateOperators",
        `Updating the path '${cur}' would create a conflict at '${prev}'`,
      );
    }
  }
}

function assertNumericTargets(doc: Doc, update: Doc): void {
  for (const op of ["$inc", "$mul"] as const) {
    const args = update[op];
    if (!isPlainObject(args)) continue;
    for (const path of Object.keys(args)) {
      if (path.includes("$")) continue;
      const current = getPath(doc, path);
      if (current !== undefined && current !== null && !isNumeric(current)) {
        throw new MongoCommandError(
          "TypeMismatch",
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${JSON.stringify(doc["_id"])}} has the field '${path}' of non-numeric type ${bsonTypeName(current)}`,
        );
      }
    }
  }
}

/** Returns the updated copy of `doc` (the stored document is never mutated). */
export function applyUpdate(doc: Doc, update: UpdateSpec, ctx: UpdateContext): Doc {
  const originalId = doc["_id"];
  let next: Doc;
  if (isPipelineUpdate(update)) {
    const options = mingoOptions(ctx.collation, undefined, ctx.variables);
    next = (new Aggregator(update, options).run([cloneDoc(doc)])[0] as Doc | undefined) ?? {};
    if (!("_id" in next) && originalId !== undefined) next = { _id: originalId, ...next };
  } else if (isOperatorUpdate(update)) {
    assertNumericTargets(doc, update);
    const { $setOnInsert, ...rest } = update;
    const modifier: Doc = { ...rest };
    if (ctx.inserting && isPlainObject($setOnInsert)) {
      modifier["$set"] = { ...(isPlainObject(rest["$set"]) ? rest["$set"] : {}), ...$setOnInsert };
    }
    next = cloneDoc(doc);
    if (Object.keys(modifier).length) {
      try {
        mingoUpdate(next, modifier, ctx.arrayFilters, ctx.filter ?? {}, {
          cloneMode: "deep",
          queryOptions: mingoOptions(ctx.collation, undefined, ctx.variables),
        });
      } catch (err) {
        throw translateUpdateError(err);
      }
    }
  } else {
    const replacement = cloneDoc(update);
    if ("_id" in replacement && originalId !== undefined && keyOf(replacement["_id"]) !== keyOf(originalId)) {
      throw new MongoCommandError(
        "ImmutableField",
        `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(replacement["_id"])}`,
      );
    }
    if (originalId !== undefined) {
      delete replacement["_id"];
      next = { _id: originalId, ...replacement };
    } else next = replacement;
  }
  if (originalId !== undefined && keyOf(next["_id"]) !== keyOf(originalId)) {
    throw new MongoCommandError(
      "ImmutableField",
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return withIdFirst(next);
}

/** mingo's update errors, as the codes mongod uses for the same mistakes. */
function translateUpdateError(err: unknown): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (/immutable/i.test(message)) return new MongoCommandError("ImmutableField", message);
  if (/array ?filter|identifier/i.test(message)) return new MongoCommandError("BadValue", message);
  if (err instanceof Error && !(err instanceof MongoCommandError))
    return new MongoCommandError("BadValue", message);
  return err;
}

/** The document an upsert starts from: the filter's equality conditions. */
export function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {};
  const visit = (conditions: Doc): void => {
    for (const [key, value] of Object.entries(conditions)) {
      if (key === "$and" && Array.isArray(value)) {
        for (const part of value) if (isPlainObject(part)) visit(part);
        continue;
      }
      if (key.startsWith("$")) continue;
      if (isPlainObject(value)) {
        const keys = Object.keys(value);
        if (keys.length === 1 && keys[0] === "$eq") {
          setPath(seed, key, cloneDoc({ v: value["$eq"] })["v"]);
          continue;
        }
        if (keys.some((k) => k.startsWith("$"))) continue;
      }
      setPath(seed, key, cloneDoc({ v: value })["v"]);
    }
  };
  visit(filter);
  return seed;
}

/** Builds the document an upsert inserts. */
export function buildUpsertDocument(
  filter: Doc,
  update: UpdateSpec,
  ctx: Omit<UpdateContext, "inserting">,
): Doc {
  const seed = upsertSeed(filter);
  let doc: Doc;
  if (isOperatorUpdate(update) || isPipelineUpdate(update)) {
    doc = applyUpdateToSeed(seed, update, ctx);
  } else {
    const replacement = cloneDoc(update as Doc);
    doc = "_id" in seed && !("_id" in replacement) ? { _id: seed["_id"], ...replacement } : replacement;
  }
  if (doc["_id"] === undefined) doc = { _id: new ObjectId(), ...doc };
  return withIdFirst(doc);
}

function applyUpdateToSeed(seed: Doc, update: UpdateSpec, ctx: Omit<UpdateContext, "inserting">): Doc {
  const id = seed["_id"];
  const next = applyUpdate({ ...seed }, update, { ...ctx, filter: {}, inserting: true });
  if (id !== undefined && keyOf(next["_id"]) !== keyOf(id)) {
    throw new MongoCommandError(
      "ImmutableField",
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return next;
}

export function documentsDiffer(a: Doc, b: Doc): boolean {
  return keyOf(a) !== keyOf(b);
}
