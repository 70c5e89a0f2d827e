// The reject modal was submitted: a missing or too short reason is shown under the field (the modal
// stays open); otherwise the modal closes and the decision is made. If someone decided meanwhile,
// the submitter is told privately who did, and nothing changes.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { decideOrder } from "../../approvals/decide-order.js";
import { parseRejectMetadata, readRejectReason, REASON_BLOCK_ID } from "../../approvals/reject-modal.js";
import { tellPrivately } from "../tell-privately.js";

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function rejectReasonSubmittedCallback(ctx: SlackContext) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const meta = parseRejectMetadata(view.private_metadata);
    if (!meta) {
      await ack({
        response_action: "errors",
        errors: {
          [REASON_BLOCK_ID]: "This form does not belong to an order: click Reject on the card again.",
        },
      });
      return;
    }
    const reason = readRejectReason(view.state.values);
    if (!reason.ok) {
      await ack({ response_action: "errors", errors: { [REASON_BLOCK_ID]: reason.error } });
      return;
    }
    await ack();
    const result = await decideOrder(ctx, client, {
      orderId: meta.orderId,
      decision: "rejected",
      userId: body.user.id,
      reason: reason.reason,
      card: { channel: meta.channel, ts: meta.ts },
    });
    if (result.outcome !== "decided")
      await tellPrivately(
        client,
        ctx.logger,
        { channel: meta.channel, user: body.user.id },
        result.ephemeral,
      );
  };
}
