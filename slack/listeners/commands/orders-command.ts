// `/orders pending` (approvers and admins): orders waiting for a decision, oldest first, each linked
// to its approval card.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { clock } from "../../../shared/clock.js";
import { auditRefusal } from "../../access/audit-refusal.js";
import { canDecideOrders } from "../../access/roles.js";
import type { SlackContext } from "../../context.js";
import { approvalDeadlines } from "../../approvals/deadlines.js";
import {
  APPROVERS_ONLY_TEXT,
  MAX_LISTED_ORDERS,
  pendingOrdersText,
  type PendingLine,
} from "../../commands/orders-texts.js";
import { ORDERS_USAGE, parseOrdersCommand, usageText } from "../../commands/parse.js";

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function ordersCommandCallback(ctx: SlackContext) {
  return async ({ command, ack, respond, client }: Args): Promise<void> => {
    const userId = command.user_id;
    if (!canDecideOrders(ctx.roles, userId)) {
      await ack({ response_type: "ephemeral", text: APPROVERS_ONLY_TEXT("/orders") });
      await auditRefusal(ctx.db, {
        userId,
        action: "order.command_refused",
        subject: { type: "order", id: "slash-command" },
        what: `/orders ${command.text}`,
      });
      return;
    }
    const parsed = parseOrdersCommand(command.text);
    if (parsed.kind === "usage") {
      await ack({ response_type: "ephemeral", text: usageText(ORDERS_USAGE, parsed.problem) });
      return;
    }
    await ack();
    try {
      const pending = await ctx.db.orders.listPending();
      const shown = pending.slice(0, MAX_LISTED_ORDERS);
      const lines: PendingLine[] = await Promise.all(
        shown.map(async (order) => {
          const { expiresAt } = approvalDeadlines(order.createdAt, ctx.config.timers);
          if (!order.slack) return { order, expiresAt };
          try {
            const link = await client.chat.getPermalink({
              channel: order.slack.channel,
              message_ts: order.slack.ts,
            });
            return link.permalink ? { order, expiresAt, link: link.permalink } : { order, expiresAt };
          } catch {
            return { order, expiresAt };
          }
        }),
      );
      await respond({
        response_type: "ephemeral",
        text: pendingOrdersText(lines, pending.length, {
          now: clock.now(),
          timezone: ctx.config.business.timezone,
        }),
      });
    } catch (error) {
      ctx.logger.error({ error: String(error) }, "/orders failed");
      await respond({ response_type: "ephemeral", text: "Could not list the orders; try again." }).catch(
        () => undefined,
      );
    }
  };
}
