// "Retry" on a failure alert (admins): the failed run's event is sent again under a new id, who
// retried is recorded, and the alert shows the retry until its run ends. Claiming the retry is one
// conditional update, so two clicks retry once.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { clock } from "../../../shared/clock.js";
import { auditRefusal } from "../../access/audit-refusal.js";
import { isAdmin } from "../../access/roles.js";
import type { SlackContext } from "../../context.js";
import { mention } from "../../format/time.js";
import { canRetry } from "../../ops/alert-card.js";
import { showAlert } from "../../ops/failure-alert.js";
import { retryEventId } from "../../ops/retry-ids.js";
import { tellPrivately } from "../tell-privately.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function retryFailedRunCallback(ctx: SlackContext) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const userId = body.user.id;
    const where = { channel: body.channel?.id, user: userId };
    const alertId = action.value ?? "";
    if (!isAdmin(ctx.roles, userId)) {
      await tellPrivately(client, ctx.logger, where, "Only admins can retry a failed run.");
      await auditRefusal(ctx.db, {
        userId,
        action: "run.retry_refused",
        subject: { type: "message", id: alertId.slice(0, 200) || "alert" },
        what: "Retry",
      });
      return;
    }
    const alert = await ctx.db.opsAlerts.get(alertId);
    if (!alert) {
      await tellPrivately(client, ctx.logger, where, "This alert is no longer known.");
      return;
    }
    if (!canRetry(alert)) {
      await tellPrivately(client, ctx.logger, where, "A scheduled or system run cannot be sent again.");
      return;
    }
    const eventId = retryEventId(alert._id, alert.retries.length + 1);
    const claimed = await ctx.db.opsAlerts.claimRetry(alert._id, { by: userId, at: clock.now(), eventId });
    if (!claimed) {
      const last = alert.retries.at(-1);
      const text =
        alert.state === "succeeded"
          ? "The retry already succeeded."
          : `Already being retried${last ? ` (by ${mention(last.by)})` : ""}.`;
      await tellPrivately(client, ctx.logger, where, text);
      return;
    }
    await ctx.inngest.send({ name: alert.event.name, data: alert.event.data, id: eventId });
    await ctx.db.audit.record({
      actor: { kind: "slack_user", id: userId },
      action: "run.retried",
      subject: { type: "message", id: alert._id.slice(0, 200) },
      details: { functionId: alert.functionId.slice(0, 200), eventId: eventId.slice(0, 200) },
    });
    await showAlert({ ...ctx, client }, alert._id).catch((error: unknown) =>
      ctx.logger.warn({ alertId, error: String(error) }, "could not show the retry on the alert"),
    );
  };
}
