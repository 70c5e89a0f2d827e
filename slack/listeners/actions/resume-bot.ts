// "Resume bot" on a handoff card (approvers and admins): the conversation goes back to the agent.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { auditRefusal } from "../../access/audit-refusal.js";
import { canDecideOrders } from "../../access/roles.js";
import type { SlackContext } from "../../context.js";
import { mention } from "../../format/time.js";
import { resumeFromSlack } from "../../handoff/resume-from-slack.js";
import { tellPrivately } from "../tell-privately.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function resumeBotCallback(ctx: SlackContext) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const userId = body.user.id;
    const where = { channel: body.channel?.id, user: userId };
    const thread = await ctx.db.handoffThreads.get(action.value ?? "");
    if (!thread) {
      await tellPrivately(client, ctx.logger, where, "This handoff is no longer known.");
      return;
    }
    if (!canDecideOrders(ctx.roles, userId)) {
      await tellPrivately(
        client,
        ctx.logger,
        where,
        "Only approvers and admins can give a conversation back to the bot.",
      );
      await auditRefusal(ctx.db, {
        userId,
        action: "conversation.resume_refused",
        subject: { type: "conversation", id: thread.conversationId },
        what: "Resume bot",
      });
      return;
    }
    if (thread.resumed) {
      const who = thread.resumed.auto ? "the bot on its own" : mention(thread.resumed.by);
      await tellPrivately(client, ctx.logger, where, `Already resumed by ${who}.`);
      return;
    }
    const result = await resumeFromSlack({ ...ctx, client }, thread.conversationId, { userId });
    if (result.outcome !== "resumed") {
      const text =
        result.outcome === "opted_out"
          ? "The customer opted out; the bot stays silent until they write START."
          : "The bot already answers this conversation.";
      await tellPrivately(client, ctx.logger, where, text);
    }
  };
}
