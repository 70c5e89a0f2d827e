import { resolveItem } from "./apply-outcome.js";
import { celMatches } from "./cel.js";
import { parseDurationMs } from "./duration.js";
import type { FunctionEntry, Registry } from "./registry.js";
import { eventNameMatches } from "./registry.js";
import type { RunTable } from "./run-table.js";
import type { EngineEvent } from "./types.js";

// What a new event does, in order: resume matching waits, cancel runs whose cancelOn matches,
// then start runs of functions it triggers. Only waits that exist now see it (no lookback).
export interface RouterDeps {
  runs: RunTable;
  registry: Registry;
  now: () => number;
  cancelRun: (runId: string) => Promise<unknown>;
  admit: (entry: FunctionEntry, event: EngineEvent) => Promise<void>;
}

export async function routeEvent(event: EngineEvent, deps: RouterDeps): Promise<void> {
  const now = deps.now();
  for (const run of deps.runs.list()) {
    for (const item of [...run.items]) {
      if (item.kind !== "wait" || item.event !== event.name) continue;
      if (!celMatches(item.if, { event: run.event, async: event })) continue;
      await deps.runs.mutate(run.id, (r) => {
        if (r.items.includes(item)) resolveItem(r, item, event, now);
      });
    }
  }
  for (const run of deps.runs.list()) {
    const cancels = deps.registry.get(run.functionId)?.fn.cancel ?? [];
    const hit = cancels.some(
      (c) =>
        c.event === event.name &&
        (c.timeout === undefined || now <= run.createdAt + (parseDurationMs(c.timeout) ?? Infinity)) &&
        celMatches(c.if, { event: run.event, async: event }),
    );
    if (hit) await deps.cancelRun(run.id);
  }
  for (const entry of deps.registry.all()) {
    const triggered = entry.fn.triggers.some(
      (t) =>
        t.event !== undefined && eventNameMatches(t.event, event.name) && celMatches(t.expression, { event }),
    );
    if (triggered) await deps.admit(entry, event);
  }
}

/**
 * Whether an event would do anything now: a trigger (with its `if`) starts a run, a run waits for
 * its name, or a function cancels on its name. Events the engine raises itself are skipped when not.
 */
export function eventMatters(event: EngineEvent, deps: Pick<RouterDeps, "runs" | "registry">): boolean {
  for (const entry of deps.registry.all()) {
    if (entry.fn.cancel?.some((c) => c.event === event.name)) return true;
    const triggered = entry.fn.triggers.some(
      (t) =>
        t.event !== undefined && eventNameMatches(t.event, event.name) && celMatches(t.expression, { event }),
    );
    if (triggered) return true;
  }
  return deps.runs.list().some((run) => run.items.some((i) => i.kind === "wait" && i.event === event.name));
}
