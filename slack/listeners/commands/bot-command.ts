// `/bot pause <phone>` / `/bot resume <phone>` (approvers and admins): a person takes a customer's
// WhatsApp conversation over from the bot, and gives it back.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { auditRefusal } from "../../access/audit-refusal.js";
import { canDecideOrders } from "../../access/roles.js";
import type { SlackContext } from "../../context.js";
import { APPROVERS_ONLY_TEXT } from "../../commands/orders-texts.js";
import { BOT_USAGE, parseBotCommand, usageText } from "../../commands/parse.js";
import { pauseConversation, type PauseResult } from "../../handoff/pause-conversation.js";
import { resumeFromSlack } from "../../handoff/resume-from-slack.js";

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

function answer(result: PauseResult, phone: string, accounts: number): string {
  const where = accounts > 1 ? ` (WhatsApp account ${result.conversation.accountId})` : "";
  switch (result.outcome) {
    case "paused":
      return `Paused the bot for ${phone}${where}: a person answers now. The bot, its reminders and automations stay silent until \`/bot resume ${phone}\`.`;
    case "resumed":
      return `The bot answers ${phone}${where} again (mode ${result.conversation.mode}).`;
    case "already_paused":
      return `The bot was already paused for ${phone}${where}. Nothing changed.`;
    case "not_paused":
      return `The bot is not paused for ${phone}${where}. Nothing changed.`;
    case "opted_out":
      return `${phone}${where} opted out of messages; the bot stays silent until the customer writes START.`;
  }
}

export function botCommandCallback(ctx: SlackContext) {
  return async ({ command, ack, respond, client }: Args): Promise<void> => {
    const userId = command.user_id;
    if (!canDecideOrders(ctx.roles, userId)) {
      await ack({ response_type: "ephemeral", text: APPROVERS_ONLY_TEXT("/bot") });
      await auditRefusal(ctx.db, {
        userId,
        action: "conversation.command_refused",
        subject: { type: "conversation", id: "slash-command" },
        what: "/bot",
      });
      return;
    }
    const parsed = parseBotCommand(command.text, ctx.config.whatsapp.defaultCountryCode);
    if (parsed.kind === "usage") {
      await ack({ response_type: "ephemeral", text: usageText(BOT_USAGE, parsed.problem) });
      return;
    }
    await ack();
    try {
      const conversations = await ctx.db.conversations.listByPhone(parsed.phone);
      if (conversations.length === 0) {
        await respond({ response_type: "ephemeral", text: `No WhatsApp conversation with ${parsed.phone}.` });
        return;
      }
      const texts: string[] = [];
      for (const conversation of conversations) {
        const result =
          parsed.kind === "pause"
            ? await pauseConversation(ctx, conversation._id, userId)
            : await resumeFromSlack({ ...ctx, client }, conversation._id, { userId });
        texts.push(answer(result, parsed.phone, conversations.length));
      }
      await respond({ response_type: "ephemeral", text: texts.join("\n") });
    } catch (error) {
      ctx.logger.error({ error: String(error) }, "/bot failed");
      await respond({
        response_type: "ephemeral",
        text: "Could not change the conversation; try again.",
      }).catch(() => undefined);
    }
  };
}
