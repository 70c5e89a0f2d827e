// A run a Retry started ended (`inngest/function.finished`, filtered to retry events): the alert
// shows "succeeded" or "failed again" (with a new Retry).
import { clock } from "../../shared/clock.js";
import { oneLineError } from "./alert-card.js";
import { showAlert, type OpsDeps } from "./failure-alert.js";
import { RETRY_EVENT_CONDITION } from "./retry-ids.js";

export const RETRY_OUTCOME_ID = "ops-retry-outcome";

interface FinishedRunData {
  function_id: string;
  event?: { id?: string };
  error?: { name?: string; message?: string };
}

export function createRetryOutcome(deps: OpsDeps) {
  return deps.inngest.createFunction(
    {
      id: RETRY_OUTCOME_ID,
      name: "Show a retried run's outcome on its alert",
      triggers: [{ event: "inngest/function.finished", if: RETRY_EVENT_CONDITION }],
    },
    async ({ event, step }) => {
      const data = event.data as FinishedRunData;
      const eventId = data.event?.id;
      if (!eventId) return { updated: false };
      return step.run("record-outcome", async () => {
        const alert = await deps.db.opsAlerts.findByRetryEvent(eventId);
        // The retried event may start other functions too; only the one that failed counts.
        if (!alert || alert.functionId !== data.function_id) return { updated: false };
        const updated = await deps.db.opsAlerts.recordOutcome(eventId, {
          outcome: data.error ? "failed" : "succeeded",
          endedAt: clock.now(),
          ...(data.error ? { error: oneLineError(data.error) } : {}),
        });
        if (updated) await showAlert(deps, updated._id);
        return { updated: Boolean(updated) };
      });
    },
  );
}
