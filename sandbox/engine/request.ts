import type { ExecutorRequest } from "./executor-client.js";
import type { CallItem, Run, WorkItem } from "./types.js";
import { isCall } from "./types.js";

// Building the v2 executor request, and choosing which due work item a run handles next.

/**
 * With `checkpoint` (ctx.fn_id and ctx.qi_id), SDK v4 runs the steps it discovers back to back in
 * this one call and reports each to `/v1/checkpoint/:runId/async` (it does so only for a discovery
 * call without disabled immediate execution, and not on retries); without, one step per call.
 */
export function buildRequest(
  run: Run,
  item: CallItem,
  maxAttempts: number,
  checkpoint?: { fnId: string; queueItemId: string },
): ExecutorRequest {
  return {
    // "SDK decides" rather than 2: the same execution, but the SDK reads -1 at its schema's first
    // alternative, where a 2 (in the body and an x-inngest-req-version header) fails three others
    // first, each failure a ZodError with a stack trace
    version: -1,
    event: run.event,
    events: run.events,
    steps: memoForRequest(run.memo),
    ctx: {
      run_id: run.id,
      attempt: item.attempt,
      max_attempts: maxAttempts,
      disable_immediate_execution: run.disableImmediate,
      use_api: false,
      stack: { stack: run.stack, current: run.stack.length },
      ...(checkpoint ? { fn_id: checkpoint.fnId, qi_id: checkpoint.queueItemId } : {}),
    },
  };
}

/**
 * The memo as the SDK reads it fastest: `{data}`, `{error}` and `{input}` as they are, any other
 * value (a sleep's null, a waitForEvent's event) as `{data: value}`, which the SDK reads the same
 * but without first trying (and failing) its three strict shapes, each failure a ZodError.
 */
export function memoForRequest(memo: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [hash, value] of Object.entries(memo)) out[hash] = isWrapped(value) ? value : { data: value };
  return out;
}

function isWrapped(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "data" || keys[0] === "error" || keys[0] === "input");
}

/** Timers first (they only write memo), then planned steps, then discovery. */
export function pickDue(run: Run, now: number): WorkItem | undefined {
  const due = run.items.filter((i) => i.dueAt <= now);
  return (
    due.find((i) => !isCall(i)) ??
    due.find((i) => i.kind === "execute") ??
    due.find((i) => i.kind === "discover")
  );
}

/** The {name, message, stack?} shape the SDK and onFailure handlers expect. */
export function normalizeError(
  error: unknown,
  fallback: string,
): { name: string; message: string; stack?: string } {
  if (typeof error === "object" && error !== null && "message" in error) {
    const e = error as { name?: unknown; message: unknown; stack?: unknown };
    return {
      name: typeof e.name === "string" ? e.name : "Error",
      message: String(e.message),
      ...(typeof e.stack === "string" ? { stack: e.stack } : {}),
    };
  }
  return { name: "Error", message: typeof error === "string" ? error : fallback };
}
