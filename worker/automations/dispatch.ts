// One dispatcher per trigger type: takes its trigger event (this account's only), finds the enabled
// automations of that type whose trigger config matches, and asks for one run of each
// (`automation/run.requested`, event id `automation:<automation id>:<event id>`, so a redelivered
// trigger never runs an automation twice). The runner evaluates conditions and acts.
import type { TriggerType } from "../../shared/domain/automations.js";
import { matchTrigger, triggerSlug } from "../../shared/domain/automations-triggers.js";
import { automationRunRequested } from "../../shared/events.js";
import { accountCondition } from "../../shared/inngest.js";
import type { AutomationDeps } from "./deps.js";
import { TRIGGER_EVENT_TYPES } from "./trigger-events.js";

export function dispatcherFunctionId(trigger: TriggerType): string {
  return `automation-dispatch-${triggerSlug(trigger)}`;
}

export function runRequestedEventId(automationId: string, sourceEventId: string): string {
  return `automation:${automationId}:${sourceEventId}`;
}

/** The enabled automations of this trigger type whose trigger config matches the event. */
async function matchingAutomations(
  deps: Pick<AutomationDeps, "db">,
  trigger: TriggerType,
  data: Record<string, unknown>,
) {
  const automations = await deps.db.automations.listEnabledForTrigger(trigger);
  return automations.flatMap((automation) => {
    const match = matchTrigger(automation.trigger, data);
    if (!match.matches) return [];
    return [{ id: automation._id, name: automation.name, keyword: match.keyword }];
  });
}

export function createAutomationDispatcher(trigger: TriggerType, deps: AutomationDeps) {
  const accountId = deps.config.whatsapp.accountId;
  return deps.inngest.createFunction(
    {
      id: dispatcherFunctionId(trigger),
      name: `Automations: find what runs on ${trigger}`,
      // One table entry per trigger type (the catalogue check reads every value of the table).
      triggers: [
        {
          event: TRIGGER_EVENT_TYPES[trigger] as (typeof TRIGGER_EVENT_TYPES)["contact.created"],
          if: accountCondition(accountId),
        },
      ],
    },
    async ({ event, step }) => {
      const data = event.data as Record<string, unknown>;
      const sourceId = event.id ?? `${event.name}:${String(event.ts ?? "")}:${JSON.stringify(data).length}`;
      const matching = () => matchingAutomations(deps, trigger, data);
      // Most trigger events match no automation: a first look at the enabled definitions (kept
      // in-process between reads) ends those runs in their first request, with no step. Otherwise
      // the step looks again and its memoized answer is the one the run goes by; a definition that
      // changed between the two only means the event counts as having come a moment later.
      if ((await matching()).length === 0) return { requested: 0 };
      const requests = await step.run("find-automations", matching);
      if (requests.length === 0) return { requested: 0 };
      const scope = {
        accountId,
        ...(typeof data["conversationId"] === "string" ? { conversationId: data["conversationId"] } : {}),
        ...(typeof data["contactId"] === "string" ? { contactId: data["contactId"] } : {}),
      };
      await step.sendEvent(
        "request-runs",
        requests.map((r) =>
          automationRunRequested.create(
            {
              ...scope,
              automationId: r.id,
              automationName: r.name,
              trigger,
              source: { name: event.name, id: sourceId, data },
              ...(r.keyword ? { keyword: r.keyword } : {}),
            },
            { id: runRequestedEventId(r.id, sourceId) },
          ),
        ),
      );
      return { requested: requests.length, automations: requests.map((r) => r.name) };
    },
  );
}
