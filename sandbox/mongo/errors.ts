// Server errors carry MongoDB's numeric code and codeName, because drivers and callers branch on them.
import type { Doc } from "./types.js";

export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupportedOnView: 166,
  OptionNotSupportedOnView: 167,
  Location40415: 40415,
  Location40573: 40573,
  DuplicateKey: 11000,
  NoSuchKey: 4,
  Unauthorized: 13,
} as const;

export type CodeName = keyof typeof ErrorCodes;

export class MongoCommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly extra: Doc;

  constructor(codeName: CodeName, message: string, extra: Doc = {}) {
    super(message);
    this.code = ErrorCodes[codeName];
    this.codeName = codeName;
    this.extra = extra;
  }

  toReply(): Doc {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The shape of one entry of a write command's `writeErrors`. */
  toWriteError(index: number): Doc {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

/** Any thrown value as a MongoDB error: mingo's complaints become BadValue like mongod's parser errors. */
export function toCommandError(err: unknown): MongoCommandError {
  if (err instanceof MongoCommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const isMingo = err instanceof Error && (err.name === "MingoError" || /operator|expression/i.test(message));
  return new MongoCommandError(isMingo ? "BadValue" : "InternalError", message);
}
