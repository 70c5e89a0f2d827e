// Disabling an automation cancels its runs that wait in a delay (the runners' cancelOn); the engine
// then runs no more of their code, so this function records those executions as `cancelled`.
import { automationDefinitionToggled } from "../../shared/events.js";
import type { AutomationDeps } from "./deps.js";

export const RECORD_CANCELLATIONS_FUNCTION_ID = "automation-record-cancellations";

export function createCancellationRecorder(deps: AutomationDeps) {
  return deps.inngest.createFunction(
    {
      id: RECORD_CANCELLATIONS_FUNCTION_ID,
      name: "Automations: record runs cancelled by a disable",
      triggers: [{ event: automationDefinitionToggled, if: "event.data.enabled == false" }],
    },
    async ({ event, step }) =>
      step.run("mark-cancelled", () =>
        deps.db.automationExecutions.cancelRunning(event.data.automationId, `disabled by ${event.data.by}`),
      ),
  );
}
