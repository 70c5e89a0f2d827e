// The end of a run: the execution's final status ("finish"), and automation/execution.finished once
// per execution, also for a run that never got to its actions ("announce").
import { clock } from "../../../shared/clock.js";
import type { AutomationAction } from "../../../shared/domain/automations.js";
import { automationExecutionFinished } from "../../../shared/events.js";
import type { AutomationExecutionDoc } from "../../../shared/db/index.js";
import type { AutomationDeps } from "../deps.js";
import type { StepResult } from "./act.js";
import type { RunnerStep } from "./context.js";
import type { Start } from "./evaluate.js";

export interface RunEnd {
  status: "succeeded" | "failed" | "stopped";
  reason?: string;
  error?: string;
}

/** How a run that stopped at an action ends (pure). */
export function endAtAction(
  result: Extract<StepResult, { status: "stopped" | "failed" }>,
  index: number,
  action: Pick<AutomationAction, "type">,
): RunEnd {
  return result.status === "stopped"
    ? { status: "stopped", reason: `disabled before action ${index + 1} (${action.type})` }
    : { status: "failed", error: `action ${index + 1} (${action.type}): ${result.error}` };
}

export async function finishRun(
  step: RunnerStep,
  deps: AutomationDeps,
  executionId: string,
  result: RunEnd,
): Promise<string> {
  return step.run("finish", async () => {
    const finished = await deps.db.automationExecutions.finish(executionId, result);
    // Finished before (a retried step, a cancel): announce what is stored.
    const final = finished.ok ? finished.execution : await deps.db.automationExecutions.getById(executionId);
    if (final) await announce(deps, final);
    return final?.status ?? result.status;
  });
}

/** A run that recorded an execution but did not go on (loop, not matched, rate limited, a retry). */
export async function announceUnstarted(
  step: RunnerStep,
  deps: AutomationDeps,
  start: Extract<Start, { go: false }>,
): Promise<void> {
  const executionId = start.executionId;
  if (executionId && start.status !== "gone" && start.status !== "disabled") {
    await step.run("announce", async () => {
      const execution = await deps.db.automationExecutions.getById(executionId);
      if (execution) await announce(deps, execution);
    });
  }
}

/** automation/execution.finished, once per execution (event id). */
async function announce(deps: AutomationDeps, execution: AutomationExecutionDoc): Promise<void> {
  if (execution.status === "running") return;
  const executionId = execution._id;
  await deps.inngest.send(
    automationExecutionFinished.create(
      {
        accountId: deps.config.whatsapp.accountId,
        automationId: execution.automationId,
        automationName: execution.automationName,
        executionId,
        triggerEvent: execution.triggerEvent,
        ...(execution.conversationId ? { conversationId: execution.conversationId } : {}),
        status: execution.status,
        ...(execution.error ? { error: execution.error.slice(0, 2_000) } : {}),
        at: (execution.finishedAt ?? clock.now()).toISOString(),
      },
      { id: `execution-finished:${executionId}` },
    ),
  );
}
