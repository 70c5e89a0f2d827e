// Driver errors our repositories turn into results instead of exceptions.
import { MongoServerError } from "mongodb";

export const DUPLICATE_KEY = 11000;

/** A unique index refused the write: the thing already exists (a duplicate delivery, a second click). */
export function isDuplicateKeyError(error: unknown): error is MongoServerError {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/** Thrown when a repository argument fails validation (bad input never reaches a query). */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
  constructor(
    readonly operation: string,
    readonly issues: string[],
  ) {
    super(`${operation}: invalid input: ${issues.join("; ")}`);
  }
}
