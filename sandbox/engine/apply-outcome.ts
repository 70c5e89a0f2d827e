import { resolveDueAt } from "./duration.js";
import { ulid } from "./ids.js";
import type { CallOutcome, Op } from "./outcome.js";
import { retryAt } from "./outcome.js";
import type { CallItem, Run, StepRecord, WorkItem } from "./types.js";

// Pure-ish transition: apply the answer of one call to the run (mutating it) and say what else the
// engine must do. No I/O here, so the protocol rules are unit-testable.
export type Effect =
  | { type: "finished" }
  | { type: "signal-wait"; signal: string; hash: string; conflict: string }
  | { type: "invoke"; childRunId: string; functionId: string; data: unknown; hash: string };

export interface ApplyContext {
  nowMs: number;
  maxAttempts: number;
}

export function applyOutcome(run: Run, item: CallItem, outcome: CallOutcome, ctx: ApplyContext): Effect[] {
  removeItem(run, item);
  run.updatedAt = ctx.nowMs;
  switch (outcome.kind) {
    case "complete":
      return finish(run, "completed", { output: outcome.output }, ctx.nowMs);
    case "error": {
      const nextAttempt = item.attempt + 1;
      if (outcome.retriable && nextAttempt < ctx.maxAttempts) {
        run.items.push({
          ...item,
          attempt: nextAttempt,
          dueAt: retryAt(ctx.nowMs, nextAttempt, outcome.retryAfter),
        });
        run.error = outcome.error;
        return [];
      }
      return finish(run, "failed", { error: outcome.error }, ctx.nowMs);
    }
    case "ops": {
      const effects: Effect[] = [];
      for (const op of outcome.ops) effects.push(...applyOp(run, op, outcome.retryAfter, ctx));
      if (!isTerminal(run) && run.items.length === 0) ensureDiscover(run, ctx.nowMs);
      return effects;
    }
  }
}

function applyOp(run: Run, op: Op, retryAfter: string | undefined, ctx: ApplyContext): Effect[] {
  if (isTerminal(run)) return [];
  const now = ctx.nowMs;
  // the end of a checkpointed call: the function's return value, not a step
  if (op.op === "RunComplete") return finish(run, "completed", { output: op.data ?? null }, now);
  const hash = op.id;
  const step = stepRecord(run, op);
  switch (op.op) {
    case "StepRun":
      // already memoized: the same step reported twice (a checkpoint the SDK retried)
      if (hash in run.memo) return [];
      memoize(run, step, { data: op.data ?? null }, "completed", now, op.data ?? null);
      step.attempts += 1;
      ensureDiscover(run, now);
      return [];
    case "StepError": {
      step.attempts += 1;
      step.error = op.error;
      step.status = "queued";
      if (!hasItem(run, hash)) {
        run.items.push({
          kind: "execute",
          hash,
          attempt: step.attempts,
          dueAt: retryAt(now, step.attempts, retryAfter),
        });
      }
      return [];
    }
    case "StepFailed":
      step.attempts += 1;
      memoize(run, step, { error: op.error }, "failed", now, undefined, op.error);
      ensureDiscover(run, now);
      return [];
    case "StepPlanned":
      if (!(hash in run.memo) && !hasItem(run, hash)) {
        run.items.push({ kind: "execute", hash, attempt: step.attempts, dueAt: now });
        step.status = "queued";
      }
      run.disableImmediate = true;
      return [];
    case "Sleep": {
      if (hash in run.memo || hasItem(run, hash)) return [];
      const dueAt = resolveDueAt(op.name ?? op.opts?.["duration"], now) ?? now;
      run.items.push({ kind: "sleep", hash, dueAt });
      step.status = "sleeping";
      step.startedAt ??= now;
      return [];
    }
    case "WaitForEvent": {
      if (hash in run.memo || hasItem(run, hash)) return [];
      const event = String(op.name ?? op.opts?.["event"] ?? "");
      const expr = typeof op.opts?.["if"] === "string" ? op.opts["if"] : undefined;
      const dueAt = resolveDueAt(op.opts?.["timeout"], now) ?? now + 365 * 86_400_000;
      run.items.push({ kind: "wait", hash, event, dueAt, since: now, ...(expr ? { if: expr } : {}) });
      step.status = "waiting";
      step.startedAt ??= now;
      return [];
    }
    case "InvokeFunction": {
      if (hash in run.memo || hasItem(run, hash)) return [];
      const functionId = String(op.opts?.["function_id"] ?? "");
      const payload = (op.opts?.["payload"] ?? {}) as { data?: unknown };
      const dueAt = resolveDueAt(op.opts?.["timeout"], now) ?? now + 365 * 86_400_000;
      const childRunId = ulid(now);
      run.items.push({ kind: "invoke", hash, childRunId, functionId, dueAt });
      step.status = "waiting";
      step.startedAt ??= now;
      return [{ type: "invoke", childRunId, functionId, data: payload.data ?? {}, hash }];
    }
    case "WaitForSignal": {
      if (hash in run.memo || hasItem(run, hash)) return [];
      const signal = String(op.opts?.["signal"] ?? op.name ?? "");
      const dueAt = resolveDueAt(op.opts?.["timeout"], now) ?? now + 365 * 86_400_000;
      run.items.push({ kind: "signal", hash, signal, dueAt });
      step.status = "waiting";
      step.startedAt ??= now;
      return [{ type: "signal-wait", signal, hash, conflict: String(op.opts?.["conflict"] ?? "replace") }];
    }
    case "StepNotFound":
      ensureDiscover(run, now);
      return [];
    default:
      return finish(
        run,
        "failed",
        { error: { name: "Error", message: `The local engine does not support step op ${op.op}` } },
        now,
      );
  }
}

/**
 * Steps reported by a checkpoint while their call is still in flight: memoized now. The call in
 * flight stays the run's pending item, and its answer says what comes next.
 */
export function applyCheckpoint(run: Run, ops: Op[], nowMs: number): Effect[] {
  run.updatedAt = nowMs;
  const effects: Effect[] = [];
  for (const op of ops) effects.push(...applyOp(run, op, undefined, { nowMs, maxAttempts: 1 }));
  return effects;
}

/** Resolve a pending sleep / wait / invoke item with a memoized value (null = slept or timed out). */
export function resolveItem(run: Run, item: WorkItem, memoValue: unknown, nowMs: number): void {
  removeItem(run, item);
  if (!("hash" in item)) return;
  const step = run.steps.find((s) => s.hash === item.hash);
  const failed = isErrorMemo(memoValue);
  if (step) {
    step.status = failed ? "failed" : "completed";
    step.attempts = Math.max(step.attempts, 1);
    step.endedAt = nowMs;
    if (failed) step.error = (memoValue as { error: unknown }).error;
    else step.output = memoValue === null ? null : unwrapData(memoValue);
  }
  run.memo[item.hash] = memoValue;
  run.stack.push(item.hash);
  run.updatedAt = nowMs;
  ensureDiscover(run, nowMs);
}

export function finish(
  run: Run,
  status: "completed" | "failed" | "cancelled",
  result: { output?: unknown; error?: unknown },
  nowMs: number,
): Effect[] {
  run.status = status;
  run.items = [];
  run.endedAt = nowMs;
  run.updatedAt = nowMs;
  if ("output" in result) run.output = result.output;
  if ("error" in result) run.error = result.error;
  else if (status === "completed") delete run.error;
  return [{ type: "finished" }];
}

export function ensureDiscover(run: Run, nowMs: number): void {
  if (!run.items.some((i) => i.kind === "discover"))
    run.items.push({ kind: "discover", dueAt: nowMs, attempt: 0 });
}

export function isTerminal(run: Run): boolean {
  return run.status === "completed" || run.status === "failed" || run.status === "cancelled";
}

function removeItem(run: Run, item: WorkItem): void {
  const idx = run.items.findIndex(
    (i) => i.kind === item.kind && ("hash" in i ? "hash" in item && i.hash === item.hash : true),
  );
  if (idx >= 0) run.items.splice(idx, 1);
}

function hasItem(run: Run, hash: string): boolean {
  return run.items.some((i) => "hash" in i && i.hash === hash);
}

function stepRecord(run: Run, op: Op): StepRecord {
  let step = run.steps.find((s) => s.hash === op.id);
  if (!step) {
    const id = op.userland?.id
      ? op.userland.index
        ? `${op.userland.id}:${op.userland.index}`
        : op.userland.id
      : (op.displayName ?? op.name ?? op.id);
    step = { hash: op.id, id, status: "queued", attempts: 0 };
    run.steps.push(step);
  }
  return step;
}

function memoize(
  run: Run,
  step: StepRecord,
  value: unknown,
  status: "completed" | "failed",
  nowMs: number,
  output?: unknown,
  error?: unknown,
): void {
  run.memo[step.hash] = value;
  run.stack.push(step.hash);
  step.status = status;
  step.endedAt = nowMs;
  step.startedAt ??= nowMs;
  if (status === "completed") {
    step.output = output;
    delete step.error;
  } else step.error = error;
}

function isErrorMemo(v: unknown): boolean {
  return typeof v === "object" && v !== null && "error" in v && Object.keys(v).length === 1;
}

function unwrapData(v: unknown): unknown {
  if (typeof v === "object" && v !== null && "data" in v && Object.keys(v).length === 1) {
    return (v as { data: unknown }).data;
  }
  return v;
}
