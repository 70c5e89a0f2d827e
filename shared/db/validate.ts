// zod at the repository boundary: every argument is parsed before it reaches a filter or an update,
// so text from a customer ('{"$gt": ""}') is only ever a string value, never a query operator.
import type { z } from "zod";
import { InvalidInputError } from "./errors.js";

export function parseInput<S extends z.ZodType>(operation: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidInputError(
    operation,
    result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(value)"}: ${i.message}`),
  );
}
