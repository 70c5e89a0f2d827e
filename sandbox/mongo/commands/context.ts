// What every command handler receives, and helpers shared by the command families.
import type { CursorRegistry } from "../cursors.js";
import type { FailPoints } from "../failpoints.js";
import { MongoCommandError } from "../errors.js";
import { runPipeline, type CollectionResolver } from "../query.js";
import type { Store } from "../store.js";
import { isPlainObject, type Doc } from "../types.js";

export interface ServerParameters {
  /** How often the TTL monitor sweeps, like mongod's ttlMonitorSleepSecs (default 60). */
  ttlMonitorSleepSecs: number;
}

export interface CommandContext {
  store: Store;
  cursors: CursorRegistry;
  db: string;
  connectionId: number;
  parameters: ServerParameters;
  startedAt: Date;
  failPoints: FailPoints;
  /** Remote address as "host:port", for whatsmyuri. */
  remote: string;
}

export type Handler = (cmd: Doc, ctx: CommandContext) => Doc | Promise<Doc>;

/** The collection named by a command's first field, e.g. `{ find: "users" }`. */
export function collectionName(cmd: Doc, command: string): string {
  const name = cmd[command];
  if (typeof name !== "string" || name.length === 0) {
    throw new MongoCommandError("InvalidNamespace", `collection name has invalid type ${typeof name}`);
  }
  return name;
}

export function optionalDoc(cmd: Doc, field: string): Doc | undefined {
  const value = cmd[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    throw new MongoCommandError(
      "TypeMismatch",
      `BSON field '${field}' is the wrong type '${typeof value}', expected type 'object'`,
    );
  }
  return value;
}

export function optionalInt(cmd: Doc, field: string): number | undefined {
  const value = cmd[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new MongoCommandError("TypeMismatch", `BSON field '${field}' is the wrong type, expected a number`);
  }
  return Math.trunc(value);
}

export function nonNegative(value: number | undefined, field: string): number | undefined {
  if (value !== undefined && value < 0)
    throw new MongoCommandError("BadValue", `${field} value must be non-negative, but received: ${value}`);
  return value;
}

/**
 * Documents visible under a name: a collection's, or a view's pipeline output. Missing = empty.
 * With a filter, a collection may return just the candidates an index pins down.
 */
export function readDocuments(
  ctx: CommandContext,
  name: string,
  filter?: Doc,
  collation?: Doc,
  depth = 0,
): Doc[] {
  const coll = ctx.store.getCollection(ctx.db, name);
  if (!coll) return [];
  const view = coll.view;
  if (!view) return coll.candidates(filter, collation);
  if (depth > 20) throw new MongoCommandError("BadValue", "View nesting too deep");
  return runPipeline(readDocuments(ctx, view.viewOn, undefined, undefined, depth + 1), view.pipeline, {
    resolver: resolverFor(ctx),
  });
}

export function resolverFor(ctx: CommandContext): CollectionResolver {
  return (name) => readDocuments(ctx, name);
}

export function cursorBatchSize(cmd: Doc): number | undefined {
  const cursor = optionalDoc(cmd, "cursor");
  return cursor ? nonNegative(optionalInt(cursor, "batchSize"), "batchSize") : undefined;
}
