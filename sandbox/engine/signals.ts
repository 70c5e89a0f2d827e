import { resolveItem } from "./apply-outcome.js";
import type { RunTable } from "./run-table.js";

// step.waitForSignal / inngest.sendSignal: one signal wakes one run.

/** Wakes the run waiting for `signal` with {signal, data}; its id, or undefined when nobody waits. */
export async function deliverSignal(runs: RunTable, signal: string, data: unknown, now: number) {
  for (const run of runs.list()) {
    const item = run.items.find((i) => i.kind === "signal" && i.signal === signal);
    if (!item) continue;
    await runs.mutate(run.id, (r) => {
      if (r.items.includes(item)) resolveItem(r, item, { signal, data: data ?? null }, now);
    });
    return run.id;
  }
  return undefined;
}

/** A second run waiting for the same signal either replaces the first (its wait ends with null) or fails. */
export async function resolveSignalConflict(
  runs: RunTable,
  runId: string,
  wait: { signal: string; hash: string; conflict: string },
  now: number,
): Promise<void> {
  for (const other of runs.list()) {
    const item = other.items.find((i) => i.kind === "signal" && i.signal === wait.signal);
    if (!item || (other.id === runId && "hash" in item && item.hash === wait.hash)) continue;
    if (wait.conflict === "fail") {
      await runs.mutate(runId, (r) => {
        const mine = r.items.find((i) => i.kind === "signal" && i.hash === wait.hash);
        const message = `another run is already waiting for signal ${wait.signal}`;
        if (mine) resolveItem(r, mine, { error: { name: "Error", message } }, now);
      });
    } else {
      await runs.mutate(other.id, (r) => {
        if (r.items.includes(item)) resolveItem(r, item, null, now);
      });
    }
    return;
  }
}
