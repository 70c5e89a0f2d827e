// Query, sort, projection and aggregation over in-memory documents, delegated to mingo.
import { Aggregator, Query } from "mingo";
import type { Options } from "mingo/types";
import { comparable } from "./comparable.js";
import { MongoCommandError } from "./errors.js";
import { isPlainObject, type Doc } from "./types.js";

export interface QueryShape {
  filter?: Doc;
  sort?: Doc;
  skip?: number;
  limit?: number;
  projection?: Doc;
  collation?: Doc;
  variables?: Doc;
}

export type CollectionResolver = (name: string) => Doc[];

export function mingoOptions(
  collation?: Doc,
  resolver?: CollectionResolver,
  variables?: Doc,
): Partial<Options> {
  // No server-side JavaScript ($where, $function, $accumulator): nothing from the wire is ever evaluated.
  const options: Record<string, unknown> = { idKey: "_id", scriptEnabled: false };
  if (collation && typeof collation["locale"] === "string" && collation["locale"] !== "simple") {
    options["collation"] = collation;
  }
  if (resolver) options["collectionResolver"] = resolver;
  if (variables) options["variables"] = variables;
  return options as Partial<Options>;
}

function assertFilter(filter: unknown): Doc {
  if (filter === undefined || filter === null) return {};
  if (!isPlainObject(filter)) throw new MongoCommandError("TypeMismatch", "filter must be an object");
  return filter;
}

export interface Matcher {
  test(doc: Doc): boolean;
}

export function compileFilter(filter: unknown, collation?: Doc, variables?: Doc): Matcher {
  const query = new Query(comparable(assertFilter(filter)), mingoOptions(collation, undefined, variables));
  return { test: (doc) => query.test(comparable(doc)) };
}

/** The documents matching a query, sorted, paged and projected, in MongoDB's result order. */
export function runQuery(docs: Doc[], shape: QueryShape): Doc[] {
  const options = mingoOptions(shape.collation, undefined, shape.variables);
  const projection = shape.projection && Object.keys(shape.projection).length ? shape.projection : undefined;
  // Match and sort on comparable copies, then hand back the stored documents.
  const originals = new Map<Doc, Doc>();
  const views = docs.map((doc) => {
    const view = comparable(doc);
    if (view !== doc) originals.set(view, doc);
    return view;
  });
  // new Query(...).find rather than mingo's find(): that helper wraps the options twice, and each
  // wrap copies every operator table (a large share of a query's cost)
  let cursor = new Query(comparable(assertFilter(shape.filter)), options).find(views);
  if (shape.sort && Object.keys(shape.sort).length) cursor = cursor.sort(normaliseSort(shape.sort));
  if (shape.skip) cursor = cursor.skip(shape.skip);
  if (shape.limit) cursor = cursor.limit(shape.limit);
  const matched = (cursor.all() as Doc[]).map((view) => originals.get(view) ?? view);
  if (!projection) return matched;
  // Re-run the filter per document so positional ($) projections see the matching array element.
  const projector = new Query(assertFilter(shape.filter), options);
  return matched.map((doc) =>
    reorderLike(doc, (projector.find([doc], projection).next() as Doc | undefined) ?? {}),
  );
}

export function normaliseSort(sort: Doc): Record<string, 1 | -1> {
  const out: Record<string, 1 | -1> = {};
  for (const [field, dir] of Object.entries(sort)) {
    if (dir === 1 || dir === -1) out[field] = dir;
    else if (isPlainObject(dir) && dir["$meta"]) continue;
    else
      throw new MongoCommandError(
        "BadValue",
        `$sort key ordering must be 1 (for ascending) or -1 (for descending)`,
      );
  }
  return out;
}

/** Applies a projection and puts fields back in stored order, as mongod does. */
export function project(doc: Doc, projection: Doc, options: Partial<Options> = {}): Doc {
  const projected = (new Query({}, options).find([doc], projection).next() as Doc | undefined) ?? {};
  return reorderLike(doc, projected);
}

function reorderLike(doc: Doc, projected: Doc): Doc {
  const ordered: Doc = {};
  for (const key of Object.keys(doc)) if (key in projected) ordered[key] = projected[key];
  for (const key of Object.keys(projected)) if (!(key in ordered)) ordered[key] = projected[key];
  return ordered;
}

export function runPipeline(
  docs: Doc[],
  pipeline: Doc[],
  options: { collation?: Doc; resolver?: CollectionResolver; variables?: Doc },
): Doc[] {
  // Leading $match stages run through runQuery so Long/Decimal128 compare by value.
  let start = 0;
  let input = docs;
  while (start < pipeline.length && isPlainObject(pipeline[start]!["$match"])) {
    input = runQuery(input, {
      filter: pipeline[start]!["$match"] as Doc,
      collation: options.collation,
      variables: options.variables,
    });
    start++;
  }
  pipeline = pipeline.slice(start);
  docs = input;
  if (pipeline.length === 0) return docs;
  const aggregator = new Aggregator(
    pipeline,
    mingoOptions(options.collation, options.resolver, options.variables),
  );
  return aggregator.run(docs) as Doc[];
}
