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
//
// The steps, each in worker/automations/run/: evaluate ▸ (announce) | action-<index>-<type>… ▸ finish.
import type { TriggerType } from "../../shared/domain/automations.js";
import { triggerSlug } from "../../shared/domain/automations-triggers.js";
import { automationDefinitionToggled, automationRunRequested } from "../../shared/events.js";
import { accountCondition } from "../../shared/inngest.js";
import type { AutomationDeps } from "./deps.js";
import { runActionStep } from "./run/act.js";
import { evaluateRun } from "./run/evaluate.js";
import { announceUnstarted, endAtAction, finishRun } from "./run/finish.js";

export { actionStepId } from "./run/act.js";

export const RUNS_PER_ACCOUNT = 5;

export function runnerFunctionId(trigger: TriggerType): string {
  return `automation-${triggerSlug(trigger)}`;
}

export function createAutomationRunner(trigger: TriggerType, deps: AutomationDeps) {
  const accountId = deps.config.whatsapp.accountId;

  return deps.inngest.createFunction(
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
      const start = await evaluateRun(step, deps, trigger, request);
      if (!start.go) {
        await announceUnstarted(step, deps, start);
        return { status: start.status };
      }
      const { executionId } = start;

      for (const [index, action] of start.actions.entries()) {
        const result = await runActionStep(step, deps, request, start, index, action);
        if (result.status === "stopped" || result.status === "failed") {
          await finishRun(step, deps, executionId, endAtAction(result, index, action));
          return { status: result.status, executionId, at: index };
        }
      }
      await finishRun(step, deps, executionId, { status: "succeeded" });
      return { status: "succeeded", executionId };
    },
  );
}
