import { parse } from "@marcbachmann/cel-js";

// CEL for trigger `if`, waitForEvent `if`, cancelOn `if` and flow-control keys. As on the Inngest
// server, an expression that errors (e.g. a missing field) counts as "no match".
type Compiled = ReturnType<typeof parse>;
const cache = new Map<string, Compiled>();

function compile(expression: string): Compiled {
  let fn = cache.get(expression);
  if (!fn) {
    fn = parse(expression);
    if (cache.size > 5000) cache.clear();
    cache.set(expression, fn);
  }
  return fn;
}

export function evalCel(expression: string, vars: Record<string, unknown>): unknown {
  return normalize(compile(expression)(vars));
}

export function celMatches(expression: string | undefined, vars: Record<string, unknown>): boolean {
  if (!expression || !expression.trim()) return true;
  try {
    return evalCel(expression, vars) === true;
  } catch {
    return false;
  }
}

/** A flow-control key ("event.data.conversationId") as a string; undefined when it cannot be evaluated. */
export function celKey(expression: string | undefined, vars: Record<string, unknown>): string | undefined {
  if (!expression) return "";
  try {
    const value = evalCel(expression, vars);
    return typeof value === "string" ? value : JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function normalize(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  return value;
}
