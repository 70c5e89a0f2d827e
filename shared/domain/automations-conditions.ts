// Condition evaluation: pure, over a plain context (contact, conversation, order, trigger event).
// Groups are combined with AND ("all") or OR ("any"), and so are the rules of each group. A result
// that does not match says which condition failed, for the execution history and the dry run.
import type { Condition, ConditionGroup, Conditions } from "./automations.js";
import { boundedRegexTest } from "./automations-regex.js";

/** What conditions and variables read. Values are plain JSON (dates as ISO text). */
export interface AutomationContext {
  contact?: Record<string, unknown>;
  conversation?: Record<string, unknown>;
  order?: Record<string, unknown>;
  event: Record<string, unknown>;
}

export type ConditionsResult =
  | { matched: true }
  | {
      matched: false;
      /** e.g. `group 1: order.totalMinor gt 100000 (was 49900)`. */
      failed: string;
      /** A regex that could not be evaluated (timeout). */
      error?: string;
    };

/** Value at a dotted path ("contact.fields.origen"), or undefined. Own properties only. */
export function resolvePath(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || !Object.prototype.hasOwnProperty.call(value, key)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const fold = (v: string) => v.normalize("NFC").toLocaleLowerCase("es");

function sameScalar(actual: unknown, expected: string | number | boolean): boolean {
  if (typeof expected === "number") {
    const n = typeof actual === "number" ? actual : typeof actual === "string" ? Number(actual) : NaN;
    return n === expected;
  }
  if (typeof expected === "boolean") return actual === expected;
  if (typeof actual === "string") return fold(actual) === fold(expected);
  if (typeof actual === "number" || typeof actual === "boolean") return String(actual) === expected;
  return false;
}

/** Equality; a list (tags) equals a value when it holds it. */
function equalsValue(actual: unknown, expected: string | number | boolean): boolean {
  if (Array.isArray(actual)) return actual.some((item) => sameScalar(item, expected));
  return sameScalar(actual, expected);
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value))
    return value.filter((v) => typeof v === "string" || typeof v === "number").join(" ");
  return undefined;
}

export interface RuleResult {
  matched: boolean;
  error?: string;
}

/** One condition against the context. */
export function evaluateCondition(condition: Condition, context: AutomationContext): RuleResult {
  const actual = resolvePath(context, condition.field);
  switch (condition.op) {
    case "equals":
      return { matched: equalsValue(actual, condition.value) };
    case "not_equals":
      return { matched: !equalsValue(actual, condition.value) };
    case "in":
      return { matched: condition.value.some((v) => equalsValue(actual, v)) };
    case "not_in":
      return { matched: !condition.value.some((v) => equalsValue(actual, v)) };
    case "contains":
    case "not_contains": {
      const holds = Array.isArray(actual)
        ? actual.some((item) => sameScalar(item, condition.value))
        : (asText(actual) ?? "") !== "" && fold(asText(actual) ?? "").includes(fold(condition.value));
      return { matched: condition.op === "contains" ? holds : !holds };
    }
    case "starts_with": {
      const text = Array.isArray(actual) ? undefined : asText(actual);
      return { matched: text !== undefined && fold(text).startsWith(fold(condition.value)) };
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const n = asNumber(actual);
      if (n === undefined) return { matched: false };
      const v = condition.value;
      const matched =
        condition.op === "gt"
          ? n > v
          : condition.op === "gte"
            ? n >= v
            : condition.op === "lt"
              ? n < v
              : n <= v;
      return { matched };
    }
    case "exists":
      return { matched: isPresent(actual) };
    case "not_exists":
      return { matched: !isPresent(actual) };
    case "matches": {
      const text = asText(actual);
      if (text === undefined) return { matched: false };
      const result = boundedRegexTest(condition.value.pattern, condition.value.flags, text);
      return result.error ? { matched: false, error: result.error } : { matched: result.matched };
    }
  }
}

/** `order.totalMinor gt 100000`, with the value seen: for history and dry runs. */
export function describeCondition(condition: Condition, context?: AutomationContext): string {
  let value = "";
  if (condition.op === "matches") value = ` /${condition.value.pattern}/${condition.value.flags}`;
  else if ("value" in condition) value = ` ${JSON.stringify(condition.value)}`;
  if (context === undefined) return `${condition.field} ${condition.op}${value}`;
  // Customer text can be long: the history keeps the start of it.
  const shown = JSON.stringify(resolvePath(context, condition.field)) ?? "missing";
  const seen = ` (was ${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown})`;
  return `${condition.field} ${condition.op}${value}${seen}`;
}

function evaluateGroup(
  group: ConditionGroup,
  context: AutomationContext,
): { matched: boolean; failed?: string; error?: string } {
  let firstFailure: string | undefined;
  let error: string | undefined;
  for (const rule of group.rules) {
    const result = evaluateCondition(rule, context);
    error ??= result.error;
    if (result.matched && group.match === "any") return { matched: true };
    if (!result.matched) {
      firstFailure ??= describeCondition(rule, context);
      if (group.match === "all") return { matched: false, failed: firstFailure, ...(error ? { error } : {}) };
    }
  }
  if (group.match === "all") return { matched: true };
  return {
    matched: false,
    failed: `none of: ${group.rules.map((r) => describeCondition(r, context)).join("; ")}`,
    ...(error ? { error } : {}),
  };
}

/** All groups (match "all") or any group (match "any"); no groups = always matched. */
export function evaluateConditions(conditions: Conditions, context: AutomationContext): ConditionsResult {
  if (conditions.groups.length === 0) return { matched: true };
  const failures: string[] = [];
  let error: string | undefined;
  for (const [index, group] of conditions.groups.entries()) {
    const result = evaluateGroup(group, context);
    error ??= result.error;
    if (result.matched && conditions.match === "any") return { matched: true };
    if (!result.matched) {
      failures.push(`group ${index + 1}: ${result.failed ?? "not matched"}`);
      if (conditions.match === "all") break;
    }
  }
  if (failures.length === 0) return { matched: true };
  return { matched: false, failed: failures.join(" | "), ...(error ? { error } : {}) };
}
