// Read commands: find, getMore, killCursors, count, distinct, aggregate.
import { MongoCommandError } from "../errors.js";
import { compileFilter, runPipeline, runQuery } from "../query.js";
import { isPlainObject, type Doc } from "../types.js";
import { keyOf, valuesAtPath } from "../values.js";
import {
  collectionName,
  cursorBatchSize,
  nonNegative,
  optionalDoc,
  optionalInt,
  readDocuments,
  resolverFor,
  type CommandContext,
  type Handler,
} from "./context.js";
import { runWriteStage } from "./pipelineWrites.js";

function find(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "find");
  if (cmd["tailable"] === true)
    throw new MongoCommandError(
      "BadValue",
      "error processing query: tailable cursor requested on non capped collection",
    );
  let limit = optionalInt(cmd, "limit");
  let singleBatch = cmd["singleBatch"] === true;
  if (limit !== undefined && limit < 0) {
    // Legacy negative limit: one batch of at most |limit| documents.
    limit = -limit;
    singleBatch = true;
  }
  const batchSize = nonNegative(optionalInt(cmd, "batchSize"), "batchSize");
  const skip = nonNegative(optionalInt(cmd, "skip"), "skip");
  const filter = optionalDoc(cmd, "filter");
  const collation = optionalDoc(cmd, "collation");
  const results = runQuery(readDocuments(ctx, name, filter, collation), {
    filter,
    sort: optionalDoc(cmd, "sort"),
    projection: optionalDoc(cmd, "projection"),
    skip,
    limit,
    collation,
    variables: optionalDoc(cmd, "let"),
  });
  return { cursor: ctx.cursors.open(`${ctx.db}.${name}`, results, batchSize, singleBatch) };
}

function getMore(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "collection");
  const batchSize = nonNegative(optionalInt(cmd, "batchSize"), "batchSize");
  return { cursor: ctx.cursors.getMore(cmd["getMore"], `${ctx.db}.${name}`, batchSize) };
}

function killCursors(cmd: Doc, ctx: CommandContext): Doc {
  const ids = cmd["cursors"];
  if (!Array.isArray(ids)) throw new MongoCommandError("TypeMismatch", "cursors must be an array");
  const { killed, notFound } = ctx.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [] };
}

function count(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "count");
  const query = optionalDoc(cmd, "query");
  const docs = readDocuments(ctx, name, query, optionalDoc(cmd, "collation"));
  const skip = nonNegative(optionalInt(cmd, "skip"), "skip");
  const limit = optionalInt(cmd, "limit");
  if (!query && !skip && !limit) return { n: docs.length };
  const matched = runQuery(docs, {
    filter: query,
    skip,
    limit: limit === undefined ? undefined : Math.abs(limit),
    collation: optionalDoc(cmd, "collation"),
  });
  return { n: matched.length };
}

function distinct(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd, "distinct");
  const key = cmd["key"];
  if (typeof key !== "string")
    throw new MongoCommandError("TypeMismatch", "BSON field 'distinct.key' is missing or not a string");
  const filter = optionalDoc(cmd, "query");
  const collation = optionalDoc(cmd, "collation");
  const query = compileFilter(filter ?? {}, collation);
  const seen = new Map<string, unknown>();
  const path = key.split(".");
  for (const doc of readDocuments(ctx, name, filter, collation)) {
    if (!query.test(doc)) continue;
    for (const value of valuesAtPath(doc, path)) {
      if (value === undefined) continue;
      const k = keyOf(value);
      if (!seen.has(k)) seen.set(k, value);
    }
  }
  return { values: [...seen.values()] };
}

function aggregate(cmd: Doc, ctx: CommandContext): Doc {
  const target = cmd["aggregate"];
  const pipeline = cmd["pipeline"];
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) {
    throw new MongoCommandError("TypeMismatch", "'pipeline' option must be specified as an array");
  }
  const explain = cmd["explain"] === true;
  if (!explain && !isPlainObject(cmd["cursor"])) {
    throw new MongoCommandError(
      "FailedToParse",
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const stages = pipeline as Doc[];
  stages.forEach((stage, i) => {
    const op = Object.keys(stage)[0];
    if (op === "$changeStream") {
      throw new MongoCommandError(
        "Location40573",
        "The $changeStream stage is only supported on replica sets",
      );
    }
    if ((op === "$out" || op === "$merge") && i !== stages.length - 1) {
      throw new MongoCommandError("BadValue", `${op} can only be the final stage in the pipeline`);
    }
  });
  const last = stages[stages.length - 1];
  const lastOp = last ? Object.keys(last)[0] : undefined;
  const writes = lastOp === "$out" || lastOp === "$merge";
  const body = writes ? stages.slice(0, -1) : stages;
  let source: Doc[];
  let ns: string;
  if (target === 1) {
    source = [];
    ns = `${ctx.db}.$cmd.aggregate`;
  } else {
    const name = collectionName(cmd, "aggregate");
    const first = body[0];
    const match = first && isPlainObject(first["$match"]) ? first["$match"] : undefined;
    source = readDocuments(ctx, name, match, optionalDoc(cmd, "collation"));
    ns = `${ctx.db}.${name}`;
  }
  if (explain) return { explainVersion: "1", stages: body, serverInfo: { host: "embedded" } };
  const results = runPipeline(source, body, {
    collation: optionalDoc(cmd, "collation"),
    resolver: resolverFor(ctx),
    variables: optionalDoc(cmd, "let"),
  });
  if (writes && last) {
    runWriteStage(ctx, last, results);
    return { cursor: ctx.cursors.open(ns, [], 0) };
  }
  return { cursor: ctx.cursors.open(ns, results, cursorBatchSize(cmd)) };
}

/** No query plans are exposed: explain always reports a collection scan. */
function explain(cmd: Doc, ctx: CommandContext): Doc {
  const inner = cmd["explain"];
  if (!isPlainObject(inner))
    throw new MongoCommandError("FailedToParse", "explain command requires a nested object");
  const command = Object.keys(inner)[0] ?? "";
  const target = inner[command];
  return {
    explainVersion: "1",
    queryPlanner: {
      namespace: `${ctx.db}.${typeof target === "string" ? target : "$cmd"}`,
      parsedQuery: inner["filter"] ?? inner["query"] ?? {},
      winningPlan: { stage: "COLLSCAN" },
      rejectedPlans: [],
    },
    command: inner,
    serverInfo: { host: "embedded", version: "7.0.0" },
  };
}

export const readCommands: Record<string, Handler> = {
  explain,
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate,
};
