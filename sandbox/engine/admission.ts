import { debounceDueAt, flowKeys } from "./flow-control.js";
import { ThrottleWindow } from "./flow-control.js";
import { parseDurationMs } from "./duration.js";
import type { FunctionEntry } from "./registry.js";
import type { RunTable } from "./run-table.js";
import type { EngineStore } from "./store/store.js";
import type { EngineEvent, Run } from "./types.js";

// Whether and when an event starts a run: idempotency, rate limit, singleton, batching, debounce,
// throttle.
const DAY_MS = 86_400_000;

export interface NewRun {
  keys: Run["keys"];
  dueAt: number;
  notStarted?: boolean;
  debounceFirstAt?: number;
}

export interface AdmissionDeps {
  store: EngineStore;
  runs: RunTable;
  now: () => number;
  cancelRun: (runId: string) => Promise<unknown>;
  createRun: (entry: FunctionEntry, event: EngineEvent, opts: NewRun) => Promise<unknown>;
}

export class Admission {
  private throttle = new ThrottleWindow();

  constructor(private readonly deps: AdmissionDeps) {}

  async admit(entry: FunctionEntry, event: EngineEvent): Promise<void> {
    const { fn } = entry;
    const { store, runs } = this.deps;
    const now = this.deps.now();
    const keys = flowKeys(fn, event);
    const sameKey = (k: "singleton" | "debounce" | "batch", r: Run) =>
      r.functionId === fn.id && r.keys[k] === keys[k];

    if (fn.idempotency && keys.idempotency !== undefined) {
      const q = {
        functionId: fn.id,
        key: "idempotency" as const,
        value: keys.idempotency,
        sinceMs: now - DAY_MS,
      };
      if ((await store.countRunsByKey(q)) > 0) return;
    }
    if (fn.rateLimit && keys.rateLimit !== undefined) {
      const period = parseDurationMs(fn.rateLimit.period) ?? 0;
      const q = {
        functionId: fn.id,
        key: "rateLimit" as const,
        value: keys.rateLimit,
        sinceMs: now - period,
      };
      if ((await store.countRunsByKey(q)) >= fn.rateLimit.limit) return;
    }
    if (fn.singleton && keys.singleton !== undefined) {
      const running = runs.list().filter((r) => sameKey("singleton", r));
      if (running.length > 0 && fn.singleton.mode === "skip") return;
      for (const r of running) await this.deps.cancelRun(r.id);
    }
    if (fn.batchEvents && keys.batch !== undefined) {
      // events collect in one pending run until maxSize (then it starts at once) or the timeout
      const { maxSize, timeout } = fn.batchEvents;
      const open = runs.list().find((r) => sameKey("batch", r) && r.notStarted && r.events.length < maxSize);
      if (open) {
        await runs.mutate(open.id, (r) => {
          r.events.push(event);
          const first = r.items[0];
          if (first && r.events.length >= maxSize) first.dueAt = now;
        });
        return;
      }
      const dueAt = maxSize <= 1 ? now : now + (parseDurationMs(timeout) ?? 0);
      await this.deps.createRun(entry, event, { keys, dueAt, notStarted: true });
      return;
    }
    if (fn.debounce && keys.debounce !== undefined) {
      const { period, timeout } = fn.debounce;
      const pending = runs.list().find((r) => sameKey("debounce", r) && r.notStarted);
      if (pending) {
        // the pending run takes the latest event and fires `period` after it (capped by `timeout`)
        await runs.mutate(pending.id, (r) => {
          r.event = event;
          r.events = [event];
          const first = r.items[0];
          if (first) first.dueAt = debounceDueAt(r.debounceFirstAt ?? now, now, period, timeout);
        });
        return;
      }
      const dueAt = debounceDueAt(now, now, period, timeout);
      await this.deps.createRun(entry, event, { keys, dueAt, notStarted: true, debounceFirstAt: now });
      return;
    }
    let dueAt = now;
    if (fn.throttle && keys.throttle !== undefined) {
      const t = fn.throttle;
      const period = parseDurationMs(t.period) ?? 0;
      dueAt = this.throttle.reserve(`${fn.id}:${keys.throttle}`, t.limit, t.burst ?? 0, period, now);
    }
    await this.deps.createRun(entry, event, { keys, dueAt, ...(dueAt > now ? { notStarted: true } : {}) });
  }
}
