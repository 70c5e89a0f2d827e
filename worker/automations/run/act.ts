// One action of a run, in its own step `action-<index>-<type>`, re-reading `enabled` first
// (disabled: `stopped`). A delay is three steps: the gate (`action-<index>-delay`), the sleep
// (`…-wait`, where the toggle event cancels the run) and the record (`…-done`).
import { clock } from "../../../shared/clock.js";
import type { AutomationAction } from "../../../shared/domain/automations.js";
import { durationToMs } from "../../../shared/domain/automations.js";
import { loadAutomationContext } from "../../../shared/db/automation-context.js";
import type { Cascade } from "../../../shared/events.js";
import { actionReadsContext, isInstantAction, performAction, type ActionRun } from "../actions.js";
import type { AutomationDeps } from "../deps.js";
import { runScope, type RunnerStep, type RunRequest } from "./context.js";

export type StepResult =
  | { status: "succeeded" | "skipped"; detail: string }
  | { status: "failed"; error: string }
  | { status: "stopped" };

/** The execution an action belongs to, as the "evaluate" step started it. */
export interface StartedRun {
  executionId: string;
  cascade: Cascade;
}

export function actionStepId(index: number, action: Pick<AutomationAction, "type">): string {
  return `action-${index}-${action.type}`;
}

export async function runActionStep(
  step: RunnerStep,
  deps: AutomationDeps,
  request: RunRequest,
  run: StartedRun,
  index: number,
  action: AutomationAction,
): Promise<StepResult> {
  if (action.type !== "delay")
    return step.run(actionStepId(index, action), () => act(deps, request, run, index, action));
  const { db } = deps;
  const { executionId } = run;
  const gate = await step.run(actionStepId(index, action), async () => {
    if (!(await db.automations.isEnabledById(request.automationId))) return { status: "stopped" as const };
    const until = new Date(clock.nowMs() + (durationToMs(action.duration) ?? 0));
    await db.automationExecutions.updateAction(executionId, index, {
      status: "running",
      startedAt: clock.now(),
      detail: `waiting ${action.duration}, until ${until.toISOString()}`,
    });
    return { status: "waiting" as const };
  });
  if (gate.status === "stopped") return gate;
  await step.sleep(`${actionStepId(index, action)}-wait`, durationToMs(action.duration) ?? 0);
  return step.run(`${actionStepId(index, action)}-done`, async () => {
    await db.automationExecutions.updateAction(executionId, index, {
      status: "succeeded",
      detail: `waited ${action.duration}`,
      finishedAt: clock.now(),
    });
    return { status: "succeeded" as const, detail: `waited ${action.duration}` };
  });
}

/** Re-reads `enabled`, then runs the action and records its result. */
async function act(
  deps: AutomationDeps,
  request: RunRequest,
  run: StartedRun,
  index: number,
  action: AutomationAction,
): Promise<StepResult> {
  const { db } = deps;
  const { executionId } = run;
  if (!(await db.automations.isEnabledById(request.automationId))) return { status: "stopped" };
  const startedAt = clock.now();
  // Shown as running while it runs; an instant one is recorded once, when done.
  const instant = isInstantAction(action);
  if (!instant)
    await db.automationExecutions.updateAction(executionId, index, { status: "running", startedAt });
  const started = instant ? { startedAt } : {};
  try {
    const outcome = await performAction(deps, action, await actionRun(deps, request, run, index, action));
    await db.automationExecutions.updateAction(executionId, index, {
      status: outcome.status,
      detail: outcome.detail,
      ...started,
      finishedAt: clock.now(),
    });
    return outcome;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.automationExecutions.updateAction(executionId, index, {
      status: "failed",
      error: message,
      ...started,
      finishedAt: clock.now(),
    });
    return { status: "failed", error: message };
  }
}

async function actionRun(
  deps: AutomationDeps,
  request: RunRequest,
  run: StartedRun,
  index: number,
  action: AutomationAction,
): Promise<ActionRun> {
  return {
    automationId: request.automationId,
    automationName: request.automationName,
    executionId: run.executionId,
    index,
    accountId: deps.config.whatsapp.accountId,
    conversationId: request.conversationId,
    contactId: request.contactId,
    trigger: request.source,
    cascade: run.cascade,
    // Read fresh for every action that reads it: an earlier action (or the customer) may have changed it.
    context: actionReadsContext(action)
      ? await loadAutomationContext(deps.db, runScope(request), request.source)
      : { event: { name: request.source.name, ...request.source.data } },
  };
}
