// Regular expressions written by admins (a `matches` condition, a `message.keyword` trigger) run on
// customer text inside the worker, so one bad pattern must not freeze it. Two guards:
// 1. At definition time `checkSafeRegex` refuses the shapes that backtrack exponentially (a quantifier
//    over a group that itself repeats or alternates, like `(a+)+` or `(a|aa)*`), back-references,
//    long patterns and flags other than i/u/s/m. Static checks are heuristics, so:
// 2. At run time `boundedRegexTest` looks at no more than MAX_REGEX_INPUT characters and runs the
//    match in a `node:vm` context with a time limit; V8 interrupts a backtracking match there, and a
//    timeout counts as "no match" with an error the execution history shows.
import vm from "node:vm";

export const MAX_REGEX_LENGTH = 200;
export const MAX_REGEX_INPUT = 2_000;
export const REGEX_TIMEOUT_MS = 50;
const ALLOWED_FLAGS = /^[imsu]*$/;

export type RegexCheck = { ok: true } | { ok: false; reason: string };

/** Whether a pattern is accepted in a definition (it compiles and has no catastrophic shape). */
export function checkSafeRegex(pattern: string, flags = "i"): RegexCheck {
  if (pattern.length === 0) return { ok: false, reason: "empty pattern" };
  if (pattern.length > MAX_REGEX_LENGTH)
    return { ok: false, reason: `longer than ${MAX_REGEX_LENGTH} characters` };
  if (!ALLOWED_FLAGS.test(flags)) return { ok: false, reason: "flags may only be i, m, s, u" };
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    return { ok: false, reason: `does not compile: ${(error as Error).message}` };
  }
  return structuralCheck(pattern);
}

interface Frame {
  /** Something inside repeats (unbounded or more than once). */
  repeats: boolean;
  alternates: boolean;
}

/** Reads a quantifier at `i`: its length and whether it can repeat more than once. */
function quantifierAt(pattern: string, i: number): { length: number; repeats: boolean } | null {
  const c = pattern[i];
  if (c === "*" || c === "+") return { length: lazy(pattern, i + 1) + 1, repeats: true };
  if (c === "?") return { length: lazy(pattern, i + 1) + 1, repeats: false };
  if (c === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    return { length: m[0].length + lazy(pattern, i + m[0].length), repeats: max > 1 };
  }
  return null;
}

const lazy = (pattern: string, i: number) => (pattern[i] === "?" ? 1 : 0);

function structuralCheck(pattern: string): RegexCheck {
  const stack: Frame[] = [{ repeats: false, alternates: false }];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    const frame = stack[stack.length - 1] as Frame;
    let atomEnd = i + 1;
    let closed: Frame | null = null;
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || (next === "k" && pattern[i + 2] === "<")) {
        return { ok: false, reason: "back-references are not allowed" };
      }
      atomEnd = i + 2;
    } else if (c === "[") {
      let j = i + 1;
      if (pattern[j] === "^") j += 1;
      if (pattern[j] === "]") j += 1;
      while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
      atomEnd = j + 1;
    } else if (c === "(") {
      stack.push({ repeats: false, alternates: false });
      // Skip the group prefix: (?:  (?=  (?!  (?<=  (?<!  (?<name>
      const prefix = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(pattern.slice(i));
      i += prefix ? prefix[0].length : 1;
      continue;
    } else if (c === ")") {
      if (stack.length === 1) return { ok: false, reason: "unbalanced parenthesis" };
      closed = stack.pop() as Frame;
    } else if (c === "|") {
      frame.alternates = true;
      i += 1;
      continue;
    }
    const q = quantifierAt(pattern, atomEnd);
    const parent = stack[stack.length - 1] as Frame;
    if (closed) {
      if (q?.repeats && (closed.repeats || closed.alternates)) {
        return {
          ok: false,
          reason: "a repeated group that itself repeats or has alternatives (like (a+)+ or (a|aa)*) can hang",
        };
      }
      parent.repeats ||= closed.repeats || (q?.repeats ?? false);
    } else if (q?.repeats) {
      parent.repeats = true;
    }
    i = atomEnd + (q?.length ?? 0);
  }
  if (stack.length !== 1) return { ok: false, reason: "unbalanced parenthesis" };
  return { ok: true };
}

const context = vm.createContext({});
const script = new vm.Script("re.lastIndex = 0; re.test(input)");
const compiled = new Map<string, RegExp>();

export type BoundedMatch = { matched: boolean; error?: undefined } | { matched: false; error: string };

/**
 * Tests `pattern` against at most MAX_REGEX_INPUT characters of `input`, giving up after `timeoutMs`.
 * Patterns reach here validated; one that does not compile is reported, never thrown.
 */
export function boundedRegexTest(
  pattern: string,
  flags: string,
  input: string,
  timeoutMs = REGEX_TIMEOUT_MS,
): BoundedMatch {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    try {
      re = new RegExp(pattern, flags);
    } catch (error) {
      return { matched: false, error: `invalid regex: ${(error as Error).message}` };
    }
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, re);
  }
  const sandbox = context as { re?: RegExp; input?: string };
  sandbox.re = re;
  sandbox.input = input.slice(0, MAX_REGEX_INPUT);
  try {
    // The limit is wall-clock time: a busy machine can pause an honest match past it, so a stopped
    // match gets one more try with four times the limit; a catastrophic pattern is stopped twice
    // (5 × the limit in all). A stop that came before the limit had passed is the previous run's
    // late watchdog (a loaded machine), not this match: it does not count.
    let stops = 0;
    for (let early = 0; ;) {
      const started = performance.now();
      try {
        const timeout = stops === 0 ? timeoutMs : timeoutMs * 4;
        return { matched: script.runInContext(context, { timeout }) === true };
      } catch {
        if (performance.now() - started < timeoutMs && early < 3) early += 1;
        else if (++stops === 2)
          return { matched: false, error: `regex took longer than ${timeoutMs} ms and was stopped` };
      }
    }
  } finally {
    sandbox.re = undefined;
    sandbox.input = undefined;
  }
}
