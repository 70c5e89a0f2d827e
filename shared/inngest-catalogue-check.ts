// Catalogue checker: the mistake the seed documents warn about is a `waitForEvent`/`cancelOn` whose `match`
// field does not exist, under the same name, in both the triggering and the awaited event, so the wait
// never matches and silently times out. This module finds such mistakes before anything runs.
//
// How it sees a function (pure, no I/O, no execution):
// - Triggers, cancelOn and flow-control keys come from the function's own options (`fn.opts`, what the
//   SDK turns into the registration body in InngestFunction#getConfig).
// - `waitForEvent` calls live in handler code, so the checker reads the handler's source text
//   (`Function.prototype.toString`, which returns the code that actually runs) and parses each
//   `waitForEvent(id, { event, match | if, timeout })` call. It fails closed: an `event` it cannot
//   resolve to the catalogue (string literal or an exported event type's identifier), a non-literal
//   `match`, a wait with neither `match` nor `if`, or `waitForEvent` used other than as a direct call
//   are all reported, never assumed fine.
// - Waits hidden in helpers outside the handler text are caught by `checkWaitCoverage`: every
//   `waitForEvent(` in the sides' source files must be accounted for by some served handler's text.
// Together: every wait that can run in a served function has been checked against the schemas.
import { EventType } from "inngest";
import type { StandardSchemaV1 } from "inngest";
import * as events from "./events.js";

export type ViolationKind =
  | "unknown-trigger"
  | "foreign-event-type"
  | "unknown-event"
  | "match-field-missing"
  | "condition-field-missing"
  | "key-field-missing"
  | "unresolvable-wait"
  | "unconditioned-wait"
  | "no-trigger-event"
  | "uncovered-wait";

export interface Violation {
  /** The function's id (as given to createFunction), or the source path for coverage problems. */
  functionId: string;
  kind: ViolationKind;
  message: string;
}

type AnyEventType = EventType<string, StandardSchemaV1<Record<string, unknown>> | undefined>;

export interface CheckOptions {
  /** The event catalogue; defaults to shared/events.ts. */
  catalogue?: readonly AnyEventType[];
  /** Identifier → event type, to resolve `event: orderDecided` in handler source; defaults to the exports of shared/events.ts. */
  identifiers?: Readonly<Record<string, AnyEventType>>;
}

/** The parts of an InngestFunction the checker reads (all present on the SDK's InngestFunction). */
interface FunctionLike {
  opts: {
    id: string;
    triggers?: ReadonlyArray<{ event?: string | AnyEventType; if?: string; cron?: string }>;
    cancelOn?: ReadonlyArray<{ event: string | AnyEventType; match?: string; if?: string }>;
    onFailure?: (...args: never[]) => unknown;
    [key: string]: unknown;
  };
}

const INTERNAL_PREFIX = "inngest/";

function defaultIdentifiers(): Record<string, AnyEventType> {
  const table: Record<string, AnyEventType> = {};
  for (const [name, value] of Object.entries(events)) if (value instanceof EventType) table[name] = value;
  return table;
}

function asFunction(value: unknown): FunctionLike | undefined {
  const opts = (value as { opts?: unknown } | null)?.opts as FunctionLike["opts"] | undefined;
  return opts && typeof opts.id === "string" ? (value as FunctionLike) : undefined;
}

/** The handler of an SDK InngestFunction (a private field of the SDK class, read for inspection only). */
function handlerOf(fn: FunctionLike): ((...args: never[]) => unknown) | undefined {
  const handler = (fn as unknown as { fn?: unknown }).fn;
  return typeof handler === "function" ? (handler as (...args: never[]) => unknown) : undefined;
}

/** Source texts of the code a function runs: its handler and its onFailure handler. */
export function handlerSources(fn: unknown): string[] {
  const f = asFunction(fn);
  if (!f) return [];
  return [handlerOf(f), f.opts.onFailure].filter((h) => typeof h === "function").map((h) => String(h));
}

// ---------------------------------------------------------------------------------------------------
// Checking a list of functions

/** Checks served functions against the catalogue. Returns every violation found (empty = sound). */
export function checkFunctions(functions: readonly unknown[], options: CheckOptions = {}): Violation[] {
  const catalogue = options.catalogue ?? (events.catalogue as readonly AnyEventType[]);
  const identifiers = options.identifiers ?? defaultIdentifiers();
  const byName = new Map(catalogue.map((e) => [e.name, e]));
  const violations: Violation[] = [];

  for (const candidate of functions) {
    const fn = asFunction(candidate);
    if (!fn) {
      violations.push({
        functionId: "(unknown)",
        kind: "unknown-trigger",
        message: "not an Inngest function",
      });
      continue;
    }
    const fnId = fn.opts.id;
    const report = (kind: ViolationKind, message: string) =>
      violations.push({ functionId: fnId, kind, message });

    // (a) triggers: every event trigger is a catalogue event (the catalogue's own EventType object).
    const triggerSchemas: { name: string; schema: unknown }[] = [];
    for (const trigger of fn.opts.triggers ?? []) {
      if (trigger.cron !== undefined) continue;
      // A trigger is an EventType itself (`triggers: [orderCreated]`), or `{ event: EventType | name, if? }`.
      const declared = trigger instanceof EventType ? (trigger as AnyEventType) : trigger.event;
      if (declared === undefined) continue;
      const name = typeof declared === "string" ? declared : declared.name;
      const resolved = resolveEventName(name, byName);
      const mine: { name: string; schema: unknown }[] = [];
      if (name.startsWith(INTERNAL_PREFIX)) {
        // invoke(schema) and inngest/function.failed handlers: internal events, with the schema they carry.
        mine.push({ name, schema: typeof declared === "string" ? undefined : declared.schema });
      } else if (resolved.length === 0) {
        report(
          "unknown-trigger",
          `triggered by "${name}", which is not in the event catalogue (shared/events.ts)`,
        );
        continue;
      } else {
        if (typeof declared !== "string" && !name.endsWith("/*") && byName.get(name) !== declared) {
          report(
            "foreign-event-type",
            `trigger "${name}" uses an eventType declared outside shared/events.ts; import the catalogue's`,
          );
        }
        mine.push(...resolved.map((e) => ({ name: e.name, schema: e.schema })));
      }
      triggerSchemas.push(...mine);
      const condition = trigger instanceof EventType ? undefined : trigger.if;
      for (const ref of celRefs(condition ?? "", "event")) {
        for (const t of mine.filter((t) => !hasPath(t.schema, ref)))
          report(
            "condition-field-missing",
            `trigger if "${condition}": event.data.${ref.join(".")} is not in "${t.name}"`,
          );
      }
    }
    const eventTriggers = triggerSchemas;

    const checkAgainstTriggers = (what: string, path: string[], kind: ViolationKind) => {
      if (eventTriggers.length === 0) {
        report(
          "no-trigger-event",
          `${what} refers to event.data.${path.join(".")} but the function has no event trigger`,
        );
        return;
      }
      for (const t of eventTriggers) {
        if (!hasPath(t.schema, path))
          report(
            kind,
            `${what}: field data.${path.join(".")} is missing from the triggering event "${t.name}"`,
          );
      }
    };

    const checkWait = (
      what: string,
      awaitedName: string,
      match: string | undefined,
      cond: string | undefined,
    ) => {
      const awaited = byName.get(awaitedName);
      if (!awaited) {
        report("unknown-event", `${what} waits for "${awaitedName}", which is not in the event catalogue`);
        return;
      }
      if (match !== undefined) {
        const path = dataPath(match);
        if (!path) {
          report(
            "match-field-missing",
            `${what}: match "${match}" must name a data field, like "data.conversationId"`,
          );
          return;
        }
        checkAgainstTriggers(`${what} (match "${match}")`, path, "match-field-missing");
        if (!hasPath(awaited.schema, path))
          report(
            "match-field-missing",
            `${what} (match "${match}"): field ${match} is missing from the awaited event "${awaitedName}"`,
          );
      } else if (cond !== undefined) {
        for (const path of celRefs(cond, "event"))
          checkAgainstTriggers(`${what} (if "${cond}")`, path, "condition-field-missing");
        for (const path of celRefs(cond, "async")) {
          if (!hasPath(awaited.schema, path))
            report(
              "condition-field-missing",
              `${what} (if "${cond}"): async.data.${path.join(".")} is missing from the awaited event "${awaitedName}"`,
            );
        }
      } else {
        report(
          "unconditioned-wait",
          `${what} has neither match nor if: it would take any "${awaitedName}" event`,
        );
      }
    };

    // (b1) cancelOn, from the function's options.
    for (const cancel of fn.opts.cancelOn ?? []) {
      const name = typeof cancel.event === "string" ? cancel.event : cancel.event.name;
      if (
        typeof cancel.event !== "string" &&
        byName.get(name) !== undefined &&
        byName.get(name) !== cancel.event
      )
        report(
          "foreign-event-type",
          `cancelOn "${name}" uses an eventType declared outside shared/events.ts`,
        );
      checkWait(`cancelOn "${name}"`, name, cancel.match, cancel.if);
    }

    // (b2) waitForEvent calls, from the handler's source text.
    const handler = handlerOf(fn);
    if (handler) {
      for (const wait of extractWaits(String(handler))) {
        const label = `waitForEvent${wait.stepId ? ` "${wait.stepId}"` : ""}`;
        if (wait.problem) {
          report("unresolvable-wait", `${label}: ${wait.problem}`);
          continue;
        }
        const name = wait.eventName ?? identifiers[wait.eventIdentifier ?? ""]?.name;
        if (name === undefined) {
          report(
            "unresolvable-wait",
            `${label}: event "${wait.eventIdentifier}" is neither a string literal nor an event type exported by shared/events.ts`,
          );
          continue;
        }
        checkWait(label, name, wait.match, wait.if);
      }
    }
    if (fn.opts.onFailure && countWaitForEvent(String(fn.opts.onFailure)).total > 0) {
      report(
        "unresolvable-wait",
        "waitForEvent inside onFailure is not supported by the checker; move it to a function",
      );
    }

    // Flow-control keys and expressions over event data: a misspelt key silently groups every run together.
    for (const [option, expression] of flowControlExpressions(fn.opts)) {
      for (const path of celRefs(expression, "event")) {
        checkAgainstTriggers(`${option} "${expression}"`, path, "key-field-missing");
      }
    }
  }
  return violations;
}

function resolveEventName(name: string, byName: ReadonlyMap<string, AnyEventType>): AnyEventType[] {
  if (name.endsWith("/*")) {
    const prefix = name.slice(0, -1);
    return [...byName.values()].filter((e) => e.name.startsWith(prefix));
  }
  const found = byName.get(name);
  return found ? [found] : [];
}

function flowControlExpressions(opts: FunctionLike["opts"]): [string, string][] {
  const out: [string, string][] = [];
  const keyOf = (option: string, value: unknown) => {
    const key = (value as { key?: unknown } | undefined)?.key;
    if (typeof key === "string") out.push([option, key]);
  };
  const concurrency = opts.concurrency;
  for (const c of Array.isArray(concurrency) ? concurrency : [concurrency]) keyOf("concurrency key", c);
  for (const option of ["throttle", "debounce", "rateLimit", "singleton", "batchEvents"])
    keyOf(`${option} key`, opts[option]);
  if (typeof opts.idempotency === "string") out.push(["idempotency", opts.idempotency]);
  const priorityRun = (opts.priority as { run?: unknown } | undefined)?.run;
  if (typeof priorityRun === "string") out.push(["priority run", priorityRun]);
  return out;
}

/** "data.a.b" → ["a", "b"]; anything not under data → undefined. */
function dataPath(match: string): string[] | undefined {
  const parts = match.trim().split(".");
  if (parts[0] !== "data" || parts.length < 2 || parts.some((p) => !/^[A-Za-z_$][\w$]*$/.test(p)))
    return undefined;
  return parts.slice(1);
}

/** Paths under `<root>.data.` referenced by a CEL expression, e.g. celRefs("event.data.a == async.data.b", "async") → [["b"]]. */
export function celRefs(expression: string, root: "event" | "async"): string[][] {
  const re = new RegExp(`(?<![\\w$.])${root}\\.data((?:\\.[A-Za-z_$][\\w$]*)+)`, "g");
  return [...expression.matchAll(re)].map((m) => (m[1] ?? "").slice(1).split("."));
}

// ---------------------------------------------------------------------------------------------------
// zod schema introspection

interface ZodInternals {
  _zod?: {
    def?: {
      type?: string;
      shape?: Record<string, unknown>;
      innerType?: unknown;
      in?: unknown;
      options?: unknown[];
    };
  };
}

/** Whether `path` (under data) exists in an event's zod schema. Non-introspectable schemas count as missing (fail closed). */
export function hasPath(schema: unknown, path: readonly string[]): boolean {
  const def = (schema as ZodInternals | undefined)?._zod?.def;
  if (!def) return false;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
    case "catch":
      return hasPath(def.innerType, path);
    case "pipe":
      return hasPath(def.in, path);
    case "union":
      return (def.options ?? []).length > 0 && (def.options ?? []).every((option) => hasPath(option, path));
    case "object": {
      if (path.length === 0) return true;
      const [head, ...rest] = path;
      const field = def.shape?.[head as string];
      return field !== undefined && (rest.length === 0 || hasPath(field, rest));
    }
    default:
      return path.length === 0;
  }
}

// ---------------------------------------------------------------------------------------------------
// Handler source parsing

export interface WaitCall {
  stepId?: string;
  /** Set when `event:` is a string literal. */
  eventName?: string;
  /** Set when `event:` is an identifier or member expression: its last segment (`events.orderDecided` → "orderDecided"). */
  eventIdentifier?: string;
  match?: string;
  if?: string;
  /** Why this call cannot be checked (fail closed). */
  problem?: string;
}

/** Removes // and /* *\/ comments, keeping string and template literal contents intact. */
export function stripComments(source: string): string {
  let out = "";
  let i = 0;
  let quote: string | null = null;
  while (i < source.length) {
    const ch = source[i] as string;
    const next = source[i + 1];
    if (quote) {
      out += ch;
      if (ch === "\\") {
        out += next ?? "";
        i += 2;
        continue;
      }
      if (ch === quote) quote = null;
      i++;
      continue;
    }
    if (ch === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    if (ch === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? source.length : end + 2;
      out += " ";
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    out += ch;
    i++;
  }
  return out;
}

/** Counts `waitForEvent` tokens and how many of them are direct calls `waitForEvent(`. */
export function countWaitForEvent(source: string): { total: number; calls: number } {
  const code = stripComments(source);
  const total = [...code.matchAll(/\bwaitForEvent\b/g)].length;
  const calls = [...code.matchAll(/\bwaitForEvent\s*\(/g)].length;
  return { total, calls };
}

/** Index just past the bracket that closes the one at `open`, skipping string and template literals. */
function closingIndex(code: string, open: number): number {
  const pairs: Record<string, string> = { "(": ")", "{": "}", "[": "]" };
  const stack: string[] = [];
  let quote: string | null = null;
  for (let i = open; i < code.length; i++) {
    const ch = code[i] as string;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (pairs[ch]) stack.push(pairs[ch]);
    else if (ch === ")" || ch === "}" || ch === "]") {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

/** Splits at top-level commas (outside brackets and literals). */
function splitTopLevel(code: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i] as string;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if ("({[".includes(ch)) depth++;
    else if (")}]".includes(ch)) depth--;
    else if (ch === "," && depth === 0) {
      parts.push(code.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(code.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** The value of a plain string literal ('x', "x", or `x` without interpolation), else undefined. */
function stringLiteral(code: string): string | undefined {
  const m = /^(["'`])([\s\S]*)\1$/.exec(code.trim());
  if (!m) return undefined;
  if (m[1] === "`" && (m[2] ?? "").includes("${")) return undefined;
  return (m[2] ?? "").replace(/\\(.)/g, "$1");
}

/** The text of a CEL condition: a string literal, or a template literal with its `${...}` parts blanked out. */
function conditionText(code: string): string | undefined {
  const literal = stringLiteral(code);
  if (literal !== undefined) return literal;
  const m = /^`([\s\S]*)`$/.exec(code.trim());
  return m ? (m[1] ?? "").replace(/\$\{[^}]*\}/g, "_") : undefined;
}

/**
 * Finds every `waitForEvent(id, { ... })` call in a handler's source and reads its options. With
 * `flagIndirectUse` (default), a `waitForEvent` that is mentioned but not called directly is reported.
 */
export function extractWaits(source: string, options: { flagIndirectUse?: boolean } = {}): WaitCall[] {
  const code = stripComments(source).replace(/\s+as\s+const\b/g, "");
  const waits: WaitCall[] = [];
  const { total, calls } = countWaitForEvent(code);
  if ((options.flagIndirectUse ?? true) && total > calls) {
    waits.push({
      problem: "waitForEvent is referenced without being called directly; call step.waitForEvent(...) inline",
    });
  }
  for (const m of code.matchAll(/\bwaitForEvent\s*\(/g)) {
    const open = (m.index ?? 0) + m[0].length - 1;
    const close = closingIndex(code, open);
    if (close < 0) {
      waits.push({ problem: "could not read the call's arguments" });
      continue;
    }
    const args = splitTopLevel(code.slice(open + 1, close - 1));
    // A TypeScript method signature (`waitForEvent(id: string, ...)`) is a type, not a call.
    if (/^[A-Za-z_$][\w$]*\??\s*:/.test(args[0] ?? "")) continue;
    const stepId = stringLiteral(args[0] ?? "");
    const optionsText = args[1]?.trim() ?? "";
    const base: WaitCall = stepId !== undefined ? { stepId } : {};
    if (!optionsText.startsWith("{") || !optionsText.endsWith("}")) {
      waits.push({ ...base, problem: "options must be an object literal written in the call" });
      continue;
    }
    const props = new Map<string, string>();
    let spread = false;
    for (const prop of splitTopLevel(optionsText.slice(1, -1))) {
      if (prop.startsWith("...")) {
        spread = true;
        continue;
      }
      const kv = /^(?:["']?)([A-Za-z_$][\w$]*)(?:["']?)\s*:\s*([\s\S]+)$/.exec(prop);
      if (kv) props.set(kv[1] as string, (kv[2] as string).trim());
      else props.set(prop, prop); // shorthand `{ event }`
    }
    if (spread) {
      waits.push({ ...base, problem: "options use a spread (...); write event and match in the call" });
      continue;
    }
    const call: WaitCall = { ...base };
    const eventCode = props.get("event");
    if (eventCode === undefined) {
      waits.push({ ...base, problem: "no event option" });
      continue;
    }
    const eventName = stringLiteral(eventCode);
    if (eventName !== undefined) call.eventName = eventName;
    else if (/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(eventCode) && eventCode !== "event") {
      call.eventIdentifier = eventCode.split(".").at(-1) as string;
    } else {
      waits.push({ ...base, problem: `event option "${eventCode}" cannot be resolved statically` });
      continue;
    }
    const matchCode = props.get("match");
    const ifCode = props.get("if");
    if (matchCode !== undefined) {
      const match = stringLiteral(matchCode);
      if (match === undefined) {
        waits.push({ ...base, problem: 'match must be a string literal like "data.conversationId"' });
        continue;
      }
      call.match = match;
    } else if (ifCode !== undefined) {
      const cond = conditionText(ifCode);
      if (cond === undefined) {
        waits.push({ ...base, problem: "if must be a string or template literal" });
        continue;
      }
      call.if = cond;
    }
    waits.push(call);
  }
  return waits;
}

// ---------------------------------------------------------------------------------------------------
// Coverage: no wait hides outside the served handlers

export interface SourceFile {
  path: string;
  text: string;
}

/** What identifies a wait across its TypeScript source and its compiled handler text. */
function waitSignature(wait: WaitCall): string {
  return JSON.stringify([
    wait.stepId,
    wait.eventName ?? wait.eventIdentifier,
    wait.match,
    wait.if,
    wait.problem,
  ]);
}

/**
 * Every `waitForEvent(` call in the sides' source files must be inside the handler of a served function
 * (where checkFunctions reads it). Calls in helpers, or in functions not listed in functions.ts, are
 * reported: they would escape the check. Calls are paired by (step id, event, match/if).
 */
export function checkWaitCoverage(
  sources: readonly SourceFile[],
  functions: readonly unknown[],
): Violation[] {
  const covered = new Map<string, number>();
  for (const text of new Set(functions.flatMap((fn) => handlerSources(fn)))) {
    for (const wait of extractWaits(text))
      covered.set(waitSignature(wait), (covered.get(waitSignature(wait)) ?? 0) + 1);
  }
  const violations: Violation[] = [];
  for (const file of sources) {
    // Source files may name waitForEvent in types (`Pick<Step, "waitForEvent">`); only calls count here.
    for (const wait of extractWaits(file.text, { flagIndirectUse: false })) {
      const key = waitSignature(wait);
      const left = covered.get(key) ?? 0;
      if (left > 0) {
        covered.set(key, left - 1);
        continue;
      }
      violations.push({
        functionId: file.path,
        kind: "uncovered-wait",
        message:
          `waitForEvent${wait.stepId ? ` "${wait.stepId}"` : ""} in ${file.path} is not inside a served handler: ` +
          "write it inline in a createFunction handler listed in worker/functions.ts or slack/functions.ts",
      });
    }
  }
  return violations;
}
