// Every function of either side that fails after its retries → one alert in the ops channel. It
// listens to `inngest/function.failed`, the event Inngest sends for every such run (the same one
// an `onFailure` handler is built on), so no function has to opt in. One alert per failed run (the
// run id is the document's id); the failure of a retried run updates its alert instead.
import { clock } from "../../shared/clock.js";
import type { SlackClient, SlackContext } from "../context.js";
import { alertCard, oneLineError, subjectOf } from "./alert-card.js";
import { isRetryEventId } from "./retry-ids.js";

export const FAILURE_ALERT_ID = "ops-failure-alert";

export interface OpsDeps extends SlackContext {
  client: SlackClient;
}

export interface FailedRunData {
  function_id: string;
  run_id: string;
  error?: { name?: string; message?: string };
  event?: { name?: string; id?: string; data?: Record<string, unknown> };
}

/** Posts or refreshes an alert's message. */
export async function showAlert(deps: OpsDeps, alertId: string): Promise<void> {
  const alert = await deps.db.opsAlerts.get(alertId);
  if (!alert) return;
  const message = alertCard(alert, clock.now(), deps.config.business.timezone);
  if (alert.message) {
    await deps.client.chat.update({
      channel: alert.message.channel,
      ts: alert.message.ts,
      text: message.text,
      blocks: message.blocks as never,
    });
    return;
  }
  const sent = await deps.client.chat.postMessage({
    channel: deps.config.slack.opsChannel,
    text: message.text,
    blocks: message.blocks as never,
  });
  if (!sent.channel || !sent.ts) throw new Error("chat.postMessage answered without channel or ts");
  await deps.db.opsAlerts.attachMessage(alertId, { channel: sent.channel, ts: sent.ts });
}

export function createFailureAlert(deps: OpsDeps) {
  return deps.inngest.createFunction(
    {
      id: FAILURE_ALERT_ID,
      name: "Alert the ops channel when a function fails after its retries",
      triggers: [{ event: "inngest/function.failed" }],
    },
    async ({ event, step }) => {
      const data = event.data as FailedRunData;
      // Its own failures are logged, not alerted: an alert about alerts could loop.
      if (data.function_id.endsWith(`-${FAILURE_ALERT_ID}`)) return { alerted: false, reason: "self" };
      if (isRetryEventId(data.event?.id)) return { alerted: false, reason: "a retry: its alert is updated" };
      return step.run("alert", async () => {
        const { first, alert } = await deps.db.opsAlerts.create({
          functionId: data.function_id,
          runId: data.run_id,
          event: {
            name: data.event?.name ?? "unknown",
            ...(data.event?.id ? { id: data.event.id } : {}),
            data: data.event?.data ?? {},
          },
          subject: subjectOf(data.event?.data ?? {}),
          error: oneLineError(data.error),
          at: clock.now(),
        });
        if (first || !alert.message) await showAlert(deps, alert._id);
        return { alerted: true, alertId: alert._id };
      });
    },
  );
}
