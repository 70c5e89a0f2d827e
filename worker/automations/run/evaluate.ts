// The run's first step ("evaluate"): stop a loop, evaluate the conditions and the per-contact
// frequency cap, and record the execution in every case (matched or not, and which condition failed).
import { clock } from "../../../shared/clock.js";
import type { AutomationAction, TriggerType } from "../../../shared/domain/automations.js";
import { evaluateConditions } from "../../../shared/domain/automations-conditions.js";
import { loadAutomationContext } from "../../../shared/db/automation-context.js";
import type { AutomationExecutionDoc } from "../../../shared/db/index.js";
import type { Cascade } from "../../../shared/events.js";
import { cascadeOf, checkCascade, nextCascade } from "../cascade.js";
import type { AutomationDeps } from "../deps.js";
import { runScope, type RunnerStep, type RunRequest } from "./context.js";

const DAY_MS = 86_400_000;

export type Start =
  | { go: false; status: string; executionId?: string }
  | { go: true; executionId: string; actions: AutomationAction[]; cascade: Cascade };

export async function evaluateRun(
  step: RunnerStep,
  deps: AutomationDeps,
  trigger: TriggerType,
  request: RunRequest,
): Promise<Start> {
  const { db } = deps;
  const accountId = deps.config.whatsapp.accountId;
  const maxDepth = deps.config.automations.maxCascadeDepth;
  const source = request.source;
  return (await step.run("evaluate", async (): Promise<Start> => {
    const automation = await db.automations.getById(request.automationId);
    if (!automation) return { go: false, status: "gone" };
    if (!automation.enabled) return { go: false, status: "disabled" };
    const verdict = checkCascade(automation._id, automation.name, cascadeOf(source.data), maxDepth);
    // No conditions, nothing to read: they match.
    const conditions =
      automation.conditions.groups.length === 0
        ? { matched: true as const }
        : evaluateConditions(
            automation.conditions,
            await loadAutomationContext(db, runScope(request), source),
          );
    let status: "running" | "loop" | "not_matched" | "rate_limited" = "running";
    let reason: string | undefined;
    if (!verdict.ok) {
      status = "loop";
      reason = verdict.reason;
    } else if (!conditions.matched) {
      status = "not_matched";
    } else if (automation.limits.maxRunsPerContactPerDay > 0 && request.contactId) {
      const runs = await db.automationExecutions.countRunsForContactSince(
        automation._id,
        request.contactId,
        new Date(clock.nowMs() - DAY_MS),
      );
      if (runs >= automation.limits.maxRunsPerContactPerDay) {
        status = "rate_limited";
        reason = `already ran ${runs} times for this contact in 24 h`;
      }
    }
    const begun = await db.automationExecutions.begin({
      automationId: automation._id,
      automationName: automation.name,
      automationVersion: automation.version,
      trigger,
      triggerEventId: source.id,
      triggerEvent: source.name,
      triggerData: source.data,
      accountId,
      ...(request.conversationId ? { conversationId: request.conversationId } : {}),
      ...(request.contactId ? { contactId: request.contactId } : {}),
      depth: verdict.depth,
      causedBy: verdict.chain,
      ...(verdict.causedBy ? { causedByExecutionId: verdict.causedBy } : {}),
      actions: automation.actions.map((a) => a.type),
      status,
      matched: conditions.matched,
      ...(conditions.matched ? {} : { failedCondition: conditions.failed }),
      ...(!conditions.matched && conditions.error ? { error: conditions.error } : {}),
      ...(reason ? { reason } : {}),
    });
    const execution: AutomationExecutionDoc = begun.execution;
    // A retried step finds its own execution (same automation and trigger event) and goes on.
    if (execution.status !== "running")
      return { go: false, status: execution.status, executionId: execution._id };
    return {
      go: true,
      executionId: execution._id,
      // The definition as it was when the run started: later edits do not change a run midway.
      actions: automation.actions,
      cascade: nextCascade(verdict, automation._id, execution._id),
    };
  })) as Start;
}
