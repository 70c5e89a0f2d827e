// Catalogue checker: finds, before anything runs, a served function whose `waitForEvent`/`cancelOn`
// `match` field does not exist under the same name in both the triggering and the awaited event (the
// wait would never match and silently time out), a trigger that is not a catalogue event, and a
// trigger condition or flow-control key naming a field the events do not have.
//
// It reads the SOURCE of the served functions with the TypeScript compiler API (syntax only, nothing
// is run): every `<client>.createFunction(options, handler)` call, its options object (id, triggers,
// cancelOn, flow-control keys) and every `waitForEvent(id, { event, match | if })` call that the
// handler can reach, written in the handler itself or in a helper it calls (found by name, through
// any depth of helpers). Events are resolved by the name they are exported under from
// shared/events.ts. It fails closed: an event it cannot resolve, a non-literal `match`, a wait with
// neither `match` nor `if`, options that are not written as literals, `waitForEvent` used other than
// as a call, and a wait that no served handler reaches are all reported, never assumed fine.
import { EventType } from "inngest";
import type { StandardSchemaV1 } from "inngest";
import ts from "typescript";
import * as events from "../../shared/events.js";

export type ViolationKind =
  | "unknown-trigger"
  | "foreign-event-type"
  | "unknown-event"
  | "match-field-missing"
  | "condition-field-missing"
  | "key-field-missing"
  | "unresolvable-wait"
  | "unresolvable-option"
  | "unconditioned-wait"
  | "no-trigger-event"
  | "uncovered-wait";

export interface Violation {
  /** The function's id (as given to createFunction), or the source path for a wait no function reaches. */
  functionId: string;
  kind: ViolationKind;
  message: string;
}

export interface SourceFile {
  path: string;
  text: string;
}

type AnyEventType = EventType<string, StandardSchemaV1<Record<string, unknown>> | undefined>;

export interface CheckOptions {
  /** The event catalogue; defaults to shared/events.ts. */
  catalogue?: readonly AnyEventType[];
  /** Exported name → event type, to resolve `event: orderDecided`; defaults to the exports of shared/events.ts. */
  identifiers?: Readonly<Record<string, AnyEventType>>;
}

const INTERNAL_PREFIX = "inngest/";

function defaultIdentifiers(): Record<string, AnyEventType> {
  const table: Record<string, AnyEventType> = {};
  for (const [name, value] of Object.entries(events)) if (value instanceof EventType) table[name] = value;
  return table;
}

// ---------------------------------------------------------------------------------------------------
// Reading source

interface Parsed {
  path: string;
  file: ts.SourceFile;
}

function parse(source: SourceFile): Parsed {
  return {
    path: source.path,
    file: ts.createSourceFile(source.path, source.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS),
  };
}

function visit(node: ts.Node, each: (node: ts.Node) => void): void {
  each(node);
  node.forEachChild((child) => visit(child, each));
}

/** The expression without `as const`, `satisfies`, parentheses, `!` and `<T>` casts. */
function bare(node: ts.Expression): ts.Expression {
  let n = node;
  while (
    ts.isAsExpression(n) ||
    ts.isSatisfiesExpression(n) ||
    ts.isParenthesizedExpression(n) ||
    ts.isNonNullExpression(n) ||
    ts.isTypeAssertionExpression(n)
  )
    n = n.expression;
  return n;
}

/** The value of a plain string literal ('x', "x", or `x` without interpolation), else undefined. */
function stringValue(node: ts.Expression | undefined): string | undefined {
  if (!node) return undefined;
  const n = bare(node);
  return ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? n.text : undefined;
}

/** The text of a condition: a string literal, or a template literal with its `${...}` parts as `_`. */
function conditionText(node: ts.Expression): string | undefined {
  const n = bare(node);
  const literal = stringValue(n);
  if (literal !== undefined) return literal;
  if (!ts.isTemplateExpression(n)) return undefined;
  return n.head.text + n.templateSpans.map((span) => `_${span.literal.text}`).join("");
}

/** The name a callee or reference ends with: `step.waitForEvent` → "waitForEvent", `f` → "f". */
function lastName(node: ts.Expression): string | undefined {
  const n = bare(node);
  if (ts.isIdentifier(n)) return n.text;
  if (ts.isPropertyAccessExpression(n)) return n.name.text;
  return undefined;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name))
    return name.text;
  return undefined;
}

interface ObjectProps {
  props: Map<string, ts.Expression>;
  spread: boolean;
}

function objectProps(node: ts.ObjectLiteralExpression): ObjectProps {
  const props = new Map<string, ts.Expression>();
  let spread = false;
  for (const p of node.properties) {
    if (ts.isSpreadAssignment(p)) spread = true;
    else if (ts.isPropertyAssignment(p)) {
      const name = propertyName(p.name);
      if (name !== undefined) props.set(name, p.initializer);
    } else if (ts.isShorthandPropertyAssignment(p)) props.set(p.name.text, p.name);
    else if (ts.isMethodDeclaration(p)) {
      const name = propertyName(p.name);
      if (name !== undefined) props.set(name, p as unknown as ts.Expression);
    }
  }
  return { props, spread };
}

// ---------------------------------------------------------------------------------------------------
// Wait calls

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

function isWaitCall(node: ts.Node): node is ts.CallExpression {
  return ts.isCallExpression(node) && lastName(node.expression) === "waitForEvent";
}

function isCallee(node: ts.Expression): boolean {
  return ts.isCallExpression(node.parent) && node.parent.expression === node;
}

/** A `waitForEvent` named other than as the callee of a call, a declared member or a type. */
function isIndirectWaitUse(node: ts.Node): boolean {
  if (!ts.isIdentifier(node) || node.text !== "waitForEvent") return false;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return !isCallee(parent);
  if (ts.isBindingElement(parent) || ts.isShorthandPropertyAssignment(parent)) return true;
  if (isDeclarationName(node) || ts.isQualifiedName(parent)) return false;
  return !isCallee(node);
}

function readWait(call: ts.CallExpression): WaitCall {
  const [idArg, optionsArg] = call.arguments;
  const stepId = idArg ? (stringValue(idArg) ?? conditionText(idArg)) : undefined;
  const base: WaitCall = stepId !== undefined ? { stepId } : {};
  const options = optionsArg ? bare(optionsArg) : undefined;
  if (!options || !ts.isObjectLiteralExpression(options))
    return { ...base, problem: "options must be an object literal written in the call" };
  const { props, spread } = objectProps(options);
  if (spread) return { ...base, problem: "options use a spread (...); write event and match in the call" };
  const eventNode = props.get("event");
  if (eventNode === undefined) return { ...base, problem: "no event option" };
  const wait: WaitCall = { ...base };
  const eventName = stringValue(eventNode);
  const identifier = ts.isIdentifier(bare(eventNode)) || ts.isPropertyAccessExpression(bare(eventNode));
  if (eventName !== undefined) wait.eventName = eventName;
  else if (identifier) wait.eventIdentifier = lastName(eventNode) as string;
  else return { ...base, problem: `event option "${eventNode.getText()}" cannot be resolved statically` };
  const matchNode = props.get("match");
  const ifNode = props.get("if");
  if (matchNode !== undefined) {
    const match = stringValue(matchNode);
    if (match === undefined)
      return { ...base, problem: 'match must be a string literal like "data.conversationId"' };
    wait.match = match;
  } else if (ifNode !== undefined) {
    const cond = conditionText(ifNode);
    if (cond === undefined) return { ...base, problem: "if must be a string or template literal" };
    wait.if = cond;
  }
  return wait;
}

const INDIRECT_USE =
  "waitForEvent is referenced without being called directly; call step.waitForEvent(...) with its options written in the call";

/** Every `waitForEvent(id, { ... })` call in a source text, read statically (and any indirect use, as a problem). */
export function extractWaits(text: string): WaitCall[] {
  const { file } = parse({ path: "source.ts", text });
  const waits: WaitCall[] = [];
  visit(file, (node) => {
    if (isIndirectWaitUse(node)) waits.push({ problem: INDIRECT_USE });
    else if (isWaitCall(node)) waits.push(readWait(node));
  });
  return waits;
}

/** Whether a source text declares event types itself (`eventType(...)` calls). */
export function declaresEventTypes(text: string): boolean {
  const { file } = parse({ path: "source.ts", text });
  let found = false;
  visit(file, (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "eventType")
      found = true;
  });
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Functions and what reaches their waits

interface FoundFunction {
  id: string;
  path: string;
  options: ObjectProps;
  call: ts.CallExpression;
  handler: ts.Expression | undefined;
}

interface FoundWait {
  path: string;
  node: ts.Node;
  wait: WaitCall;
}

/** `const NAME = "literal"` anywhere in the files: how function ids given by a constant are read. */
function stringConstants(files: readonly Parsed[]): Map<string, string> {
  const constants = new Map<string, string>();
  for (const { file } of files) {
    visit(file, (node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
        const value = stringValue(node.initializer);
        if (value !== undefined) constants.set(node.name.text, value);
      }
    });
  }
  return constants;
}

/**
 * `const NAME = { key: eventType, ... }` anywhere in the files: a trigger written `NAME[key]` (one
 * function per key, made by a factory) stands for every value of the table.
 */
function eventTables(files: readonly Parsed[]): Map<string, ts.Expression[]> {
  const tables = new Map<string, ts.Expression[]>();
  for (const { file } of files) {
    visit(file, (node) => {
      if (!ts.isVariableDeclaration(node) || !ts.isIdentifier(node.name) || !node.initializer) return;
      const init = bare(node.initializer);
      if (!ts.isObjectLiteralExpression(init)) return;
      const values = init.properties.filter(ts.isPropertyAssignment).map((p) => p.initializer);
      if (values.length === init.properties.length) tables.set(node.name.text, values);
    });
  }
  return tables;
}

/** Marks the computed part of an id given by a template (`automation-${slug}` → `automation-*`). */
const ID_WILDCARD = "*";

/**
 * `function NAME(…) { return `…${…}…`; }` anywhere in the files: how ids made per argument by a
 * factory (one function per trigger type) are read, as templates whose computed parts match anything.
 */
function idTemplates(files: readonly Parsed[]): Map<string, string> {
  const templates = new Map<string, string>();
  for (const { file } of files) {
    visit(file, (node) => {
      if (!ts.isFunctionDeclaration(node) || !node.name || !node.body) return;
      const [only] = node.body.statements;
      if (node.body.statements.length !== 1 || !only || !ts.isReturnStatement(only) || !only.expression)
        return;
      const returned = bare(only.expression);
      if (!ts.isTemplateExpression(returned)) return;
      const text =
        returned.head.text + returned.templateSpans.map((span) => ID_WILDCARD + span.literal.text).join("");
      templates.set(node.name.text, text);
    });
  }
  return templates;
}

/** Whether a served function id is the one a defined id (literal or template) stands for. */
export function idCovers(definedId: string, servedId: string): boolean {
  if (!definedId.includes(ID_WILDCARD)) return definedId === servedId;
  const parts = definedId.split(ID_WILDCARD).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".+")}$`).test(servedId);
}

function isCreateFunction(node: ts.Node): node is ts.CallExpression {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === "createFunction"
  );
}

/** The name a function-like node is declared under (declaration, `const f = () => …`, method), if any. */
function declaredName(node: ts.Node): string | undefined {
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) {
    return node.name && propertyName(node.name);
  }
  if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isVariableDeclaration(node.parent)) {
    return ts.isIdentifier(node.parent.name) ? node.parent.name.text : undefined;
  }
  return undefined;
}

type Reach = { kind: "function"; fn: FoundFunction } | { kind: "on-failure"; fn: FoundFunction };

/**
 * The served functions whose handler reaches `start`: climbing out of nested code, through named
 * helpers to every place that names them, until a createFunction handler (or its onFailure) is met.
 */
function reachingFunctions(
  start: ts.Node,
  functions: readonly FoundFunction[],
  references: ReadonlyMap<string, ts.Node[]>,
  seen = new Set<ts.Node>(),
): Reach[] {
  const out: Reach[] = [];
  for (let node: ts.Node = start; node.parent; node = node.parent) {
    const parent = node.parent;
    if (isCreateFunction(parent)) {
      const fn = functions.find((f) => f.call === parent);
      if (fn && parent.arguments[1] === node) out.push({ kind: "function", fn });
      return out;
    }
    if (
      ts.isPropertyAssignment(parent) &&
      propertyName(parent.name) === "onFailure" &&
      ts.isObjectLiteralExpression(parent.parent) &&
      isCreateFunction(parent.parent.parent)
    ) {
      const fn = functions.find((f) => f.call === parent.parent.parent);
      if (fn) out.push({ kind: "on-failure", fn });
      return out;
    }
    const name = declaredName(node);
    if (name !== undefined) {
      if (seen.has(node)) return out;
      seen.add(node);
      for (const ref of references.get(name) ?? []) {
        out.push(...reachingFunctions(ref, functions, references, seen));
      }
      return out;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Checking

/** The ids of the functions defined (createFunction) in the source files. */
export function definedFunctionIds(sources: readonly SourceFile[]): string[] {
  return findFunctions(sources.map(parse)).functions.map((f) => f.id);
}

function findFunctions(files: readonly Parsed[]): { functions: FoundFunction[]; unresolved: Violation[] } {
  const constants = stringConstants(files);
  const templates = idTemplates(files);
  const functions: FoundFunction[] = [];
  const unresolved: Violation[] = [];
  for (const { path, file } of files) {
    visit(file, (node) => {
      if (!isCreateFunction(node)) return;
      const optionsNode = node.arguments[0] && bare(node.arguments[0]);
      if (!optionsNode || !ts.isObjectLiteralExpression(optionsNode)) {
        unresolved.push({
          functionId: path,
          kind: "unresolvable-option",
          message: `createFunction in ${path}: the options must be an object literal written in the call`,
        });
        return;
      }
      const options = objectProps(optionsNode);
      const idNode = options.props.get("id");
      const id =
        stringValue(idNode) ??
        (idNode && ts.isIdentifier(idNode) ? constants.get(idNode.text) : undefined) ??
        (idNode && ts.isCallExpression(idNode) && ts.isIdentifier(idNode.expression)
          ? templates.get(idNode.expression.text)
          : undefined);
      if (id === undefined) {
        unresolved.push({
          functionId: path,
          kind: "unresolvable-option",
          message: `createFunction in ${path}: id must be a string literal, a string constant, or a call of a function that returns a template`,
        });
        return;
      }
      functions.push({ id, path, options, call: node, handler: node.arguments[1] });
    });
  }
  return { functions, unresolved };
}

/** Checks the functions defined in the source files against the catalogue. Empty = sound. */
export function checkSources(sources: readonly SourceFile[], options: CheckOptions = {}): Violation[] {
  const catalogue = options.catalogue ?? (events.catalogue as readonly AnyEventType[]);
  const identifiers = options.identifiers ?? defaultIdentifiers();
  const byName = new Map(catalogue.map((e) => [e.name, e]));
  const files = sources.map(parse);
  const { functions, unresolved } = findFunctions(files);
  const violations: Violation[] = [...unresolved];

  // Every identifier reference by name (what a helper's callers are found by), and every wait.
  const references = new Map<string, ts.Node[]>();
  const waits: FoundWait[] = [];
  for (const { path, file } of files) {
    visit(file, (node) => {
      if (ts.isIdentifier(node) && !isDeclarationName(node)) {
        const list = references.get(node.text) ?? [];
        list.push(node);
        references.set(node.text, list);
      }
      if (isIndirectWaitUse(node)) waits.push({ path, node, wait: { problem: INDIRECT_USE } });
      else if (isWaitCall(node)) waits.push({ path, node, wait: readWait(node) });
    });
  }
  const waitsOf = new Map<FoundFunction, FoundWait[]>();
  for (const found of waits) {
    const reach = reachingFunctions(found.node, functions, references);
    const label = `waitForEvent${found.wait.stepId ? ` "${found.wait.stepId}"` : ""}`;
    if (reach.length === 0) {
      violations.push({
        functionId: found.path,
        kind: "uncovered-wait",
        message:
          `${label} in ${found.path} is not inside a served handler, nor in a helper that one calls: ` +
          "the catalogue check cannot tell which events it serves",
      });
    }
    for (const r of reach) {
      if (r.kind === "on-failure") {
        violations.push({
          functionId: r.fn.id,
          kind: "unresolvable-wait",
          message: "waitForEvent inside onFailure is not supported by the checker; move it to a function",
        });
        continue;
      }
      const list = waitsOf.get(r.fn) ?? [];
      if (!list.includes(found)) list.push(found);
      waitsOf.set(r.fn, list);
    }
  }

  const tables = eventTables(files);
  for (const fn of functions) {
    violations.push(...checkFunction(fn, waitsOf.get(fn) ?? [], byName, identifiers, tables));
  }
  return violations;
}

function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isFunctionDeclaration(parent) ||
      ts.isVariableDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isMethodSignature(parent)) &&
    parent.name === node
  );
}

/** The events a `TABLE[key]` trigger stands for (every value of the table), or undefined. */
function tableValues(
  node: ts.Expression,
  tables: ReadonlyMap<string, readonly ts.Expression[]>,
): readonly ts.Expression[] | undefined {
  const expr = bare(node);
  if (!ts.isElementAccessExpression(expr) || !ts.isIdentifier(expr.expression)) return undefined;
  return tables.get(expr.expression.text);
}

interface TriggerEvent {
  name: string;
  schema: unknown;
}

function checkFunction(
  fn: FoundFunction,
  waits: readonly FoundWait[],
  byName: ReadonlyMap<string, AnyEventType>,
  identifiers: Readonly<Record<string, AnyEventType>>,
  tables: ReadonlyMap<string, readonly ts.Expression[]>,
): Violation[] {
  const violations: Violation[] = [];
  const report = (kind: ViolationKind, message: string) =>
    violations.push({ functionId: fn.id, kind, message });
  const { props } = fn.options;

  /** An event written as a catalogue identifier or a name: the catalogue's events it stands for. */
  const resolveEvent = (
    node: ts.Expression,
    what: string,
  ): { name: string; declared?: AnyEventType } | null => {
    const name = stringValue(node);
    if (name !== undefined) return { name };
    const expr = bare(node);
    if (ts.isCallExpression(expr) && lastName(expr.expression) === "eventType") {
      const declaredName = stringValue(expr.arguments[0]) ?? "(unnamed)";
      report(
        byName.has(declaredName) ? "foreign-event-type" : "unknown-trigger",
        byName.has(declaredName)
          ? `${what} "${declaredName}" uses an eventType declared outside shared/events.ts; import the catalogue's`
          : `${what} "${declaredName}" is not in the event catalogue (shared/events.ts)`,
      );
      return null;
    }
    const identifier =
      ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr) ? lastName(expr) : undefined;
    const declared = identifier !== undefined ? identifiers[identifier] : undefined;
    if (!declared) {
      report(
        "foreign-event-type",
        `${what} "${node.getText()}" is not an event type exported by shared/events.ts; import the catalogue's`,
      );
      return null;
    }
    return { name: declared.name, declared };
  };

  // (a) triggers: every event trigger is a catalogue event; its `if` names fields the event has.
  const triggerEvents: TriggerEvent[] = [];
  const triggersNode = props.get("triggers");
  const triggers = triggersNode ? bare(triggersNode) : undefined;
  if (triggersNode && (!triggers || !ts.isArrayLiteralExpression(triggers))) {
    report("unresolvable-option", "triggers must be an array literal written in the options");
  }
  for (const element of triggers && ts.isArrayLiteralExpression(triggers) ? triggers.elements : []) {
    const trigger = bare(element);
    let eventNode: ts.Expression | undefined = trigger;
    let condition: string | undefined;
    if (ts.isObjectLiteralExpression(trigger)) {
      const t = objectProps(trigger).props;
      if (t.has("cron")) continue;
      eventNode = t.get("event");
      const ifNode = t.get("if");
      // A condition built by a call (accountCondition(...)) is opaque: only literal parts are checked.
      condition = ifNode ? conditionText(ifNode) : undefined;
    }
    if (!eventNode) continue;
    const mine: TriggerEvent[] = [];
    for (const written of tableValues(eventNode, tables) ?? [eventNode]) {
      const resolved = resolveEvent(written, "trigger");
      if (!resolved) continue;
      if (resolved.name.startsWith(INTERNAL_PREFIX)) {
        mine.push({ name: resolved.name, schema: resolved.declared?.schema });
        continue;
      }
      const found = resolveEventName(resolved.name, byName);
      if (found.length === 0) {
        report(
          "unknown-trigger",
          `triggered by "${resolved.name}", which is not in the event catalogue (shared/events.ts)`,
        );
        continue;
      }
      mine.push(...found.map((e) => ({ name: e.name, schema: e.schema })));
    }
    triggerEvents.push(...mine);
    for (const ref of celRefs(condition ?? "", "event")) {
      for (const t of mine.filter((t) => !hasPath(t.schema, ref)))
        report(
          "condition-field-missing",
          `trigger if "${condition}": event.data.${ref.join(".")} is not in "${t.name}"`,
        );
    }
  }

  const checkAgainstTriggers = (what: string, path: string[], kind: ViolationKind) => {
    if (triggerEvents.length === 0) {
      report(
        "no-trigger-event",
        `${what} refers to event.data.${path.join(".")} but the function has no event trigger`,
      );
      return;
    }
    for (const t of triggerEvents) {
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

  // (b1) cancelOn, from the options.
  const cancelNode = props.get("cancelOn");
  const cancels = cancelNode ? bare(cancelNode) : undefined;
  for (const element of cancels && ts.isArrayLiteralExpression(cancels) ? cancels.elements : []) {
    const cancel = bare(element);
    if (!ts.isObjectLiteralExpression(cancel)) {
      report("unresolvable-option", "each cancelOn entry must be an object literal written in the options");
      continue;
    }
    const c = objectProps(cancel).props;
    const eventNode = c.get("event");
    const resolved = eventNode ? resolveEvent(eventNode, "cancelOn") : null;
    if (!resolved) continue;
    const ifNode = c.get("if");
    checkWait(
      `cancelOn "${resolved.name}"`,
      resolved.name,
      stringValue(c.get("match")),
      ifNode ? conditionText(ifNode) : undefined,
    );
  }

  // (b2) every waitForEvent the handler reaches.
  for (const { wait } of waits) {
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

  // Flow-control keys and expressions over event data: a misspelt key silently groups every run together.
  for (const [option, expression] of flowControlExpressions(props, report)) {
    for (const path of celRefs(expression, "event")) {
      checkAgainstTriggers(`${option} "${expression}"`, path, "key-field-missing");
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

function flowControlExpressions(
  props: ReadonlyMap<string, ts.Expression>,
  report: (kind: ViolationKind, message: string) => void,
): [string, string][] {
  const out: [string, string][] = [];
  const expressionOf = (option: string, node: ts.Expression | undefined) => {
    if (!node) return;
    const value = stringValue(node);
    if (value !== undefined) out.push([option, value]);
    else report("unresolvable-option", `${option} must be a string literal written in the options`);
  };
  const keyOf = (option: string, node: ts.Expression | undefined) => {
    const value = node && bare(node);
    if (!value) return;
    if (!ts.isObjectLiteralExpression(value)) {
      report("unresolvable-option", `${option} must be an object literal written in the options`);
      return;
    }
    expressionOf(`${option} key`, objectProps(value).props.get("key"));
  };
  const concurrency = props.get("concurrency") && bare(props.get("concurrency") as ts.Expression);
  if (concurrency && ts.isArrayLiteralExpression(concurrency)) {
    for (const c of concurrency.elements) keyOf("concurrency", c);
  } else if (concurrency && !ts.isNumericLiteral(concurrency)) keyOf("concurrency", concurrency);
  for (const option of ["throttle", "debounce", "rateLimit", "singleton", "batchEvents"])
    keyOf(option, props.get(option));
  expressionOf("idempotency", props.get("idempotency"));
  const priority = props.get("priority") && bare(props.get("priority") as ts.Expression);
  if (priority && ts.isObjectLiteralExpression(priority))
    expressionOf("priority run", objectProps(priority).props.get("run"));
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
