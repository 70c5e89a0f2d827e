// "Reject" on an approval card: opens the modal that asks for the reason (the decision is made when
// it is submitted). Someone who may not decide, or a click on an order already decided, is told
// privately and gets no modal.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { clock } from "../../../shared/clock.js";
import { orderIdSchema } from "../../../shared/domain/orders.js";
import { auditRefusal } from "../../access/audit-refusal.js";
import { canDecideOrders } from "../../access/roles.js";
import { alreadyDecidedText } from "../../approvals/card.js";
import type { SlackContext } from "../../context.js";
import { NOT_AUTHORIZED_TEXT } from "../../approvals/decide-order.js";
import { rejectModal } from "../../approvals/reject-modal.js";
import { tellPrivately } from "../tell-privately.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function rejectOrderCallback(ctx: SlackContext) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id;
    const ts = body.message?.ts;
    const orderId = orderIdSchema.safeParse(action.value);
    if (!canDecideOrders(ctx.roles, user)) {
      await tellPrivately(client, ctx.logger, { channel, user }, NOT_AUTHORIZED_TEXT);
      await auditRefusal(ctx.db, {
        userId: user,
        action: "order.decision_refused",
        subject: { type: "order", id: (action.value ?? "unknown").slice(0, 100) || "unknown" },
        what: "rejected",
      });
      return;
    }
    if (!orderId.success || !channel || !ts) {
      await tellPrivately(client, ctx.logger, { channel, user }, "This button does not belong to an order.");
      return;
    }
    // One quick read (the trigger_id lives about 3 seconds): no modal for an order already decided.
    const order = await ctx.db.orders.getById(orderId.data);
    if (!order) {
      await tellPrivately(client, ctx.logger, { channel, user }, `Order ${orderId.data} does not exist.`);
      return;
    }
    if (order.status !== "pending_approval") {
      const text = alreadyDecidedText(
        order,
        { now: clock.now(), timezone: ctx.config.business.timezone },
        ctx.config.timers.approvalTimeoutMs,
      );
      await tellPrivately(client, ctx.logger, { channel, user }, text);
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: rejectModal({ orderId: order._id, channel, ts }) as never,
    });
  };
}
