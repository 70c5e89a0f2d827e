import type { Run, StepRecord } from "../types.js";

// A run as the store keeps it: what the run already holds elsewhere is left out (a step's output
// or error when it is the memo's own value, `events` when it is just the trigger event), so a run
// with large step results is written at about half the size on every save. restoreRun puts the
// left-out parts back when the run is read.

/** The run to serialize: shares everything with `run` but the slimmed step list. */
export function slimRun(run: Run): Omit<Run, "events"> & { events?: Run["events"] } {
  const { events, ...rest } = run;
  const steps = run.steps.map((step) => slimStep(step, run.memo[step.hash]));
  return { ...rest, steps, ...(events.length === 1 && events[0] === run.event ? {} : { events }) };
}

/** The inverse of slimRun, for a run just parsed from the store (changes it in place). */
export function restoreRun(run: Omit<Run, "events"> & { events?: Run["events"] }): Run {
  run.events ??= [run.event];
  for (const step of run.steps) {
    if (!(step.hash in run.memo)) continue;
    const memo = run.memo[step.hash];
    if (step.status === "completed" && !("output" in step)) step.output = memoOutput(memo);
    else if (step.status === "failed" && !("error" in step) && hasError(memo)) step.error = memo.error;
  }
  return run as Run;
}

function slimStep(step: StepRecord, memo: unknown): StepRecord {
  if (memo === undefined) return step;
  if (step.status === "completed" && "output" in step && step.output === memoOutput(memo)) {
    const { output: _output, ...slim } = step;
    return slim;
  }
  if (step.status === "failed" && step.error !== undefined && hasError(memo) && step.error === memo.error) {
    const { error: _error, ...slim } = step;
    return slim;
  }
  return step;
}

/** A completed step's output as memoized: a `{data}` result unwrapped, anything else (null, an event) as is. */
function memoOutput(memo: unknown): unknown {
  if (typeof memo === "object" && memo !== null && "data" in memo && Object.keys(memo).length === 1) {
    return (memo as { data: unknown }).data;
  }
  return memo;
}

function hasError(memo: unknown): memo is { error: unknown } {
  return typeof memo === "object" && memo !== null && "error" in memo;
}
