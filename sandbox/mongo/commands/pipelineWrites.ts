// The aggregation stages that write: $out (replace a collection) and $merge (upsert into one).
import { ObjectId } from "bson";
import { MongoCommandError } from "../errors.js";
import { isPlainObject, type Doc } from "../types.js";
import { applyUpdate } from "../update.js";
import { getPath, keyOf, withIdFirst } from "../values.js";
import type { CommandContext } from "./context.js";

function targetOf(spec: unknown, ctx: CommandContext): { db: string; coll: string } {
  if (typeof spec === "string") return { db: ctx.db, coll: spec };
  if (isPlainObject(spec) && typeof spec["coll"] === "string") {
    return { db: typeof spec["db"] === "string" ? spec["db"] : ctx.db, coll: spec["coll"] };
  }
  throw new MongoCommandError("FailedToParse", "invalid $out/$merge target");
}

function withId(doc: Doc): Doc {
  return doc["_id"] === undefined ? { _id: new ObjectId(), ...doc } : withIdFirst(doc);
}

export function runWriteStage(ctx: CommandContext, stage: Doc, results: Doc[]): void {
  if ("$out" in stage) return runOut(ctx, stage["$out"], results);
  return runMerge(ctx, stage["$merge"], results);
}

function runOut(ctx: CommandContext, spec: unknown, results: Doc[]): void {
  const { db, coll } = targetOf(spec, ctx);
  const target = ctx.store.ensureCollection(db, coll);
  target.assertWritable();
  for (const doc of [...target.docs.values()]) target.remove(doc);
  for (const doc of results) target.insert(withId(doc));
}

function runMerge(ctx: CommandContext, raw: unknown, results: Doc[]): void {
  const spec: Doc = typeof raw === "string" ? { into: raw } : isPlainObject(raw) ? raw : {};
  const { db, coll } = targetOf(spec["into"], ctx);
  const on =
    spec["on"] === undefined
      ? ["_id"]
      : Array.isArray(spec["on"])
        ? spec["on"].map(String)
        : [String(spec["on"])];
  const whenMatched = spec["whenMatched"] ?? "merge";
  const whenNotMatched = spec["whenNotMatched"] ?? "insert";
  const target = ctx.store.ensureCollection(db, coll);
  target.assertWritable();
  for (const raw of results) {
    const doc = withId(raw);
    const match = [...target.docs.values()].find((existing) =>
      on.every((f) => keyOf(getPath(existing, f)) === keyOf(getPath(doc, f))),
    );
    if (!match) {
      if (whenNotMatched === "insert") target.insert(doc);
      else if (whenNotMatched === "fail")
        throw new MongoCommandError(
          "BadValue",
          "$merge could not find a matching document in the target collection",
        );
      continue;
    }
    if (whenMatched === "keepExisting") continue;
    if (whenMatched === "fail") throw target.indexes.get("_id_")!.duplicateError(target.ns, [match["_id"]]);
    if (whenMatched === "replace") target.replace(match, { ...doc, _id: match["_id"] });
    else if (Array.isArray(whenMatched)) {
      target.replace(
        match,
        applyUpdate(match, whenMatched as Doc[], { inserting: false, variables: { new: doc } }),
      );
    } else target.replace(match, { ...match, ...doc, _id: match["_id"] });
  }
}
