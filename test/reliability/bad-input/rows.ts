// The shape of one bad-input row and the checks rows share: what a client must get back (a JSON
// `{"error"}` with the right status, Bolt's bare refusal, a slash command's answer, a refused
// definition) and what a row may write.
import { expect } from "vitest";
import type { Answer, BadInputStack, RawRequest, Snapshot, Target } from "../support/bad-input-stack.js";

export interface RowOutcome {
  s: BadInputStack;
  /** The HTTP answer (rows that send a request). */
  answer?: Answer;
  /** What a call returned, or threw (rows at a non-HTTP boundary). */
  result?: unknown;
  thrown?: unknown;
  before: Snapshot;
  after: Snapshot;
  /** What the stack logged while the row ran. */
  logs: string;
}

export interface Row {
  /** The bad input, in a few words (the test's name). */
  name: string;
  /** The server the request goes to... */
  target?: Target;
  request?: RawRequest | ((s: BadInputStack) => RawRequest);
  /** ...or a call at another boundary (the automations repository). */
  call?: (s: BadInputStack) => Promise<unknown>;
  /** Runs before the "before" snapshot (e.g. the first delivery a replay repeats). */
  setup?: (s: BadInputStack) => Promise<void>;
  /** What the client must get. */
  expect: (o: RowOutcome) => void | Promise<void>;
  /**
   * What the row may write: the collections it may change and the check of exactly what it wrote.
   * Without it nothing may change anywhere (no document, no engine run).
   */
  writes?: { in: readonly string[] | "any"; check: (o: RowOutcome) => void | Promise<void> };
  /**
   * Why this answer may carry a stack trace (only the SDK's own protocol with the executor, in dev
   * mode where unsigned calls run functions by design). Without it, an answer never does.
   */
  internalsBecause?: string;
  /** Runs after the checks (puts shared state back for the next row). */
  cleanup?: (s: BadInputStack) => Promise<void>;
}

/** The part of every answer that must never carry our internals: stack frames, paths, HTML error pages. */
export function expectNoInternals(answer: Answer): void {
  expect(answer.body).not.toMatch(/node_modules|\/work\/|\n\s+at \S|"stack"|<pre>|Cannot (GET|POST|PUT)/);
}

/** JSON `{"error": "<text matching message>"}` with `status`. */
export function jsonError(status: number, message: RegExp) {
  return ({ answer }: RowOutcome): void => {
    expect(answer, "an HTTP answer").toBeDefined();
    expect(answer!.status, answer!.body.slice(0, 300)).toBe(status);
    expect(String(answer!.headers["content-type"])).toMatch(/^application\/json/);
    const parsed = JSON.parse(answer!.body) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["error"]);
    expect(parsed["error"]).toMatch(message);
  };
}

/** The engine's event API answers errors in the SDK's shape: `{"ids": [], "status", "error"}`. */
export function eventApiError(status: number, message: RegExp) {
  return ({ answer }: RowOutcome): void => {
    expect(answer!.status, answer!.body.slice(0, 300)).toBe(status);
    const parsed = JSON.parse(answer!.body) as Record<string, unknown>;
    expect(parsed).toEqual({ ids: [], status, error: expect.stringMatching(message) });
  };
}

/** Bolt refuses with a bare status and no body (Slack reads only the status). */
export function bareRefusal(status: number) {
  return ({ answer }: RowOutcome): void => {
    expect(answer!.status, answer!.body.slice(0, 300)).toBe(status);
    expect(answer!.body).toBe("");
  };
}

/** The simulated workspace's command answer: Bolt's 200 and the text the person sees. */
export function commandAnswer(text: RegExp) {
  return ({ answer }: RowOutcome): void => {
    expect(answer!.status, answer!.body.slice(0, 300)).toBe(200);
    const parsed = JSON.parse(answer!.body) as { status: number; response: string };
    expect(parsed.status).toBe(200);
    expect(parsed.response).toMatch(text);
  };
}

/** A definition the automations repository refuses, naming the field. */
export function refusedDefinition(message: RegExp) {
  return ({ thrown }: RowOutcome): void => {
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe("InvalidInputError");
    expect((thrown as Error).message).toMatch(message);
  };
}

/** Documents added to `collection` by the row (none removed or changed), parsed. */
export function added(o: RowOutcome, collection: string): Record<string, unknown>[] {
  const before = o.before[collection] ?? [];
  const after = o.after[collection] ?? [];
  for (const doc of before) expect(after, `${collection}: an existing document changed`).toContain(doc);
  return after
    .filter((doc) => !before.includes(doc))
    .map((doc) => JSON.parse(doc) as Record<string, unknown>);
}

export const JSON_HEADERS = { "content-type": "application/json" };

/** A JSON POST (the body as written when it is a string). */
export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): RawRequest {
  return {
    method: "POST",
    path,
    headers: { ...JSON_HEADERS, ...headers },
    body: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  };
}

/** A body of about `bytes` bytes: a JSON object around one long string. */
export function bigJson(bytes: number, fields: Record<string, unknown> = {}): string {
  const head = JSON.stringify({ ...fields, pad: "" });
  return `${head.slice(0, -2)}${"x".repeat(Math.max(0, bytes - head.length))}"}`;
}

/** A megabyte as HTTP limits count it here: "1mb" is 1,048,576 bytes, so a 1 MB body fits under it. */
export const MB = 1_000_000;
