// One runner per trigger type (`automation-<trigger>`, dots as dashes): one run per automation and
// trigger event, asked for by the dispatcher. The run
// 1. stops a loop (the automation is already in the event's cascade chain, or the chain is deeper
//    than AUTOMATION_MAX_CASCADE_DEPTH), evaluates the conditions and the per-contact frequency cap,
//    and records the execution in every case (matched or not, and which condition failed);
// 2. runs the actions in order, each in its own step `action-<index>-<type>`, re-reading `enabled`
//    before each one (disabled: the execution is `stopped`); a delay is a `step.sleep`, and the toggle
//    event cancels a run waiting there (cancelOn on data.automationId);
// 3. stops at the first failing action: the rest are recorded `skipped`.
// At most 5 runs at a time per WhatsApp account (each worker is one account's app).
import { clock } from "../../shared/clock.js";
import type { AutomationAction, TriggerType } from "../../shared/domain/automations.js";
import { durationToMs } from "../../shared/domain/automations.js";
import { evaluateConditions } from "../../shared/domain/automations-conditions.js";
import { triggerSlug } from "../../shared/domain/automations-triggers.js";
import { loadAutomationContext } from "../../shared/db/automation-context.js";
import type { AutomationExecutionDoc } from "../../shared/db/index.js";
import {
  automationDefinitionToggled,
  automationExecutionFinished,
  automationRunRequested,
  type Cascade,
} from "../../shared/events.js";
import { accountCondition } from "../../shared/inngest.js";
import { performAction, type ActionRun } from "./actions.js";
import { cascadeOf, checkCascade, nextCascade } from "./cascade.js";
import type { AutomationDeps } from "./deps.js";

export const RUNS_PER_ACCOUNT = 5;
const DAY_MS = 86_400_000;

export function runnerFunctionId(trigger: TriggerType): string {
  return `automation-${triggerSlug(trigger)}`;
}

export function actionStepId(index: number, action: Pick<AutomationAction, "type">): string {
  return `action-${index}-${action.type}`;
}

type Start =
  | { go: false; status: string; executionId?: string }
  | { go: true; executionId: string; actions: AutomationAction[]; cascade: Cascade };

type StepResult =
  | { status: "succeeded" | "skipped"; detail: string }
  | { status: "failed"; error: string }
  | { status: "stopped" };

export function createAutomationRunner(trigger: TriggerType, deps: AutomationDeps) {
  const { db, inngest } = deps;
  const accountId = deps.config.whatsapp.accountId;
  const maxDepth = deps.config.automations.maxCascadeDepth;

  return inngest.createFunction(
    {
      id: runnerFunctionId(trigger),
      name: `Automations: run on ${trigger}`,
      triggers: [
        {
          event: automationRunRequested,
          if: `event.data.trigger == '${trigger}' && ${accountCondition(accountId)}`,
        },
      ],
      cancelOn: [
        { event: automationDefinitionToggled, match: "data.automationId", if: "async.data.enabled == false" },
      ],
      concurrency: { key: "event.data.accountId", limit: RUNS_PER_ACCOUNT },
    },
    async ({ event, step }) => {
      const request = event.data;
      const source = request.source;
      const scope = {
        contactId: request.contactId,
        conversationId: request.conversationId,
        orderId: typeof source.data["orderId"] === "string" ? source.data["orderId"] : undefined,
      };

      const start = (await step.run("evaluate", async (): Promise<Start> => {
        const automation = await db.automations.getById(request.automationId);
        if (!automation) return { go: false, status: "gone" };
        if (!automation.enabled) return { go: false, status: "disabled" };
        const verdict = checkCascade(automation._id, automation.name, cascadeOf(source.data), maxDepth);
        const context = await loadAutomationContext(db, scope, source);
        const conditions = evaluateConditions(automation.conditions, context);
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

      if (!start.go) {
        if (start.executionId && start.status !== "gone" && start.status !== "disabled") {
          await step.run("announce", () => announce(start.executionId as string));
        }
        return { status: start.status };
      }
      const { executionId, actions, cascade } = start;

      const runOf = async (index: number): Promise<ActionRun> => ({
        automationId: request.automationId,
        automationName: request.automationName,
        executionId,
        index,
        accountId,
        conversationId: request.conversationId,
        contactId: request.contactId,
        trigger: source,
        cascade,
        // Read fresh for every action: an earlier action (or the customer) may have changed it.
        context: await loadAutomationContext(db, scope, source),
      });

      /** Re-reads `enabled`, then runs the action and records its result. */
      const act = async (index: number, action: AutomationAction): Promise<StepResult> => {
        if (!(await db.automations.isEnabledById(request.automationId))) return { status: "stopped" };
        const startedAt = clock.now();
        await db.automationExecutions.updateAction(executionId, index, { status: "running", startedAt });
        try {
          const outcome = await performAction(deps, action, await runOf(index));
          await db.automationExecutions.updateAction(executionId, index, {
            status: outcome.status,
            detail: outcome.detail,
            finishedAt: clock.now(),
          });
          return outcome;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          await db.automationExecutions.updateAction(executionId, index, {
            status: "failed",
            error: message,
            finishedAt: clock.now(),
          });
          return { status: "failed", error: message };
        }
      };

      for (const [index, action] of actions.entries()) {
        let result: StepResult;
        if (action.type === "delay") {
          const gate = await step.run(actionStepId(index, action), async () => {
            if (!(await db.automations.isEnabledById(request.automationId)))
              return { status: "stopped" as const };
            const until = new Date(clock.nowMs() + (durationToMs(action.duration) ?? 0));
            await db.automationExecutions.updateAction(executionId, index, {
              status: "running",
              startedAt: clock.now(),
              detail: `waiting ${action.duration}, until ${until.toISOString()}`,
            });
            return { status: "waiting" as const };
          });
          if (gate.status === "stopped") {
            result = gate;
          } else {
            await step.sleep(`${actionStepId(index, action)}-wait`, durationToMs(action.duration) ?? 0);
            result = await step.run(`${actionStepId(index, action)}-done`, async () => {
              await db.automationExecutions.updateAction(executionId, index, {
                status: "succeeded",
                detail: `waited ${action.duration}`,
                finishedAt: clock.now(),
              });
              return { status: "succeeded" as const, detail: `waited ${action.duration}` };
            });
          }
        } else {
          result = await step.run(actionStepId(index, action), () => act(index, action));
        }
        if (result.status === "stopped") {
          await step.run("finish", () =>
            finish(executionId, {
              status: "stopped",
              reason: `disabled before action ${index + 1} (${action.type})`,
            }),
          );
          return { status: "stopped", executionId, at: index };
        }
        if (result.status === "failed") {
          await step.run("finish", () =>
            finish(executionId, {
              status: "failed",
              error: `action ${index + 1} (${action.type}): ${result.error}`,
            }),
          );
          return { status: "failed", executionId, at: index };
        }
      }
      await step.run("finish", () => finish(executionId, { status: "succeeded" }));
      return { status: "succeeded", executionId };
    },
  );

  async function finish(
    executionId: string,
    result: { status: "succeeded" | "failed" | "stopped"; reason?: string; error?: string },
  ): Promise<string> {
    await db.automationExecutions.finish(executionId, result);
    const final = await db.automationExecutions.getById(executionId);
    await announce(executionId);
    return final?.status ?? result.status;
  }

  /** automation/execution.finished, once per execution (event id). */
  async function announce(executionId: string): Promise<void> {
    const execution = await db.automationExecutions.getById(executionId);
    if (!execution || execution.status === "running") return;
    await inngest.send(
      automationExecutionFinished.create(
        {
          accountId,
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
}
