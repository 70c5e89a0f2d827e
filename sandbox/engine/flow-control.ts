import { celKey } from "./cel.js";
import { parseDurationMs } from "./duration.js";
import type { FunctionConfig } from "./registration.js";
import type { EngineEvent, FlowKeys } from "./types.js";

// Flow-control decisions as small pure functions plus two in-memory counters.

/** Keys a new run carries, evaluated once from its trigger event. */
export function flowKeys(fn: FunctionConfig, event: EngineEvent): FlowKeys {
  const vars = { event };
  const keys: FlowKeys = { concurrency: concurrencyKeys(fn, event) };
  const put = (name: Exclude<keyof FlowKeys, "concurrency">, expr: string | undefined, present: boolean) => {
    if (!present) return;
    const value = celKey(expr, vars);
    if (value !== undefined) keys[name] = value;
  };
  put("idempotency", fn.idempotency, Boolean(fn.idempotency));
  put("singleton", fn.singleton?.key, Boolean(fn.singleton));
  put("debounce", fn.debounce?.key, Boolean(fn.debounce));
  put("throttle", fn.throttle?.key, Boolean(fn.throttle));
  put("rateLimit", fn.rateLimit?.key, Boolean(fn.rateLimit));
  put("batch", fn.batchEvents?.key, Boolean(fn.batchEvents));
  return keys;
}

export function concurrencyKeys(fn: FunctionConfig, event: EngineEvent): { id: string; limit: number }[] {
  const raw = fn.concurrency;
  if (raw === undefined) return [];
  const list = typeof raw === "number" ? [{ limit: raw }] : Array.isArray(raw) ? raw : [raw];
  return list
    .filter((c) => c.limit > 0)
    .map((c, i) => {
      const scope = (c as { scope?: string }).scope ?? "fn";
      const key = "key" in c && c.key ? (celKey(c.key, { event }) ?? "") : "";
      // fn scope: per function; env/account scope with a key: shared by every function using it.
      const id = scope === "fn" ? `fn:${fn.id}:${i}:${key}` : `${scope}:${c.key ?? ""}:${key}`;
      return { id, limit: c.limit };
    });
}

/** When a debounced run fires: `period` after the latest event, but no later than `timeout` after the first. */
export function debounceDueAt(firstAtMs: number, nowMs: number, period: unknown, timeout: unknown): number {
  const due = nowMs + (parseDurationMs(period) ?? 0);
  const cap = parseDurationMs(timeout);
  return cap === undefined ? due : Math.min(due, firstAtMs + cap);
}

/** `timeouts`: a run not started within `start`, or not finished within `finish` of starting, is cancelled. */
export function timeoutDeadline(
  fn: FunctionConfig,
  run: { createdAt: number; startedAt?: number },
): number | undefined {
  const start = parseDurationMs(fn.timeouts?.start);
  const finish = parseDurationMs(fn.timeouts?.finish);
  if (run.startedAt === undefined) return start === undefined ? undefined : run.createdAt + start;
  return finish === undefined ? undefined : run.startedAt + finish;
}

/** Concurrency limits count calls in flight (Inngest limits steps running, not sleeping runs). */
export class ConcurrencyGate {
  private inFlight = new Map<string, number>();

  canAcquire(keys: { id: string; limit: number }[]): boolean {
    return keys.every((k) => (this.inFlight.get(k.id) ?? 0) < k.limit);
  }
  tryAcquire(keys: { id: string; limit: number }[]): boolean {
    if (!this.canAcquire(keys)) return false;
    for (const k of keys) this.inFlight.set(k.id, (this.inFlight.get(k.id) ?? 0) + 1);
    return true;
  }
  release(keys: { id: string; limit: number }[]): void {
    for (const k of keys) {
      const n = (this.inFlight.get(k.id) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(k.id);
      else this.inFlight.set(k.id, n);
    }
  }
}

/** Throttle: at most `limit` (+ `burst`) run starts per `period` per key; later runs are delayed, not dropped. */
export class ThrottleWindow {
  private starts = new Map<string, number[]>();

  reserve(key: string, limit: number, burst: number, periodMs: number, nowMs: number): number {
    const capacity = Math.max(1, limit + burst);
    const list = (this.starts.get(key) ?? []).filter((t) => t > nowMs - periodMs);
    // the capacity-th latest start must lie a full period before the new one
    const blocking = list.length >= capacity ? list[list.length - capacity] : undefined;
    const at = blocking === undefined ? nowMs : Math.max(nowMs, blocking + periodMs);
    list.push(at);
    list.sort((a, b) => a - b);
    this.starts.set(key, list);
    return at;
  }
}
