// "Approve" on an approval card (the confirm dialog already ran in Slack).
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { decideOrder } from "../../approvals/decide-order.js";
import { tellPrivately } from "../tell-privately.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function approveOrderCallback(ctx: SlackContext) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const channel = body.channel?.id;
    const ts = body.message?.ts;
    const result = await decideOrder(ctx, client, {
      orderId: action.value ?? "",
      decision: "approved",
      userId: body.user.id,
      ...(channel && ts ? { card: { channel, ts } } : {}),
    });
    if (result.outcome !== "decided")
      await tellPrivately(client, ctx.logger, { channel, user: body.user.id }, result.ephemeral);
  };
}
