// A staff member wrote in a handoff card's thread: the text goes to the customer on WhatsApp
// (slack/handoff.replied → the worker's idempotent send). The event id is the Slack message, so a
// redelivery of this Slack event (X-Slack-Retry-Num) is dropped by the engine and sends nothing
// more; a reply starting with the internal-note prefix stays in Slack.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { clock } from "../../../shared/clock.js";
import { slackHandoffReplied, slackHandoffRepliedEventId } from "../../../shared/events.js";
import { canDecideOrders } from "../../access/roles.js";
import type { SlackContext } from "../../context.js";
import { tellPrivately } from "../tell-privately.js";

type Args = SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs;

interface ThreadReply {
  user: string;
  text: string;
  ts: string;
  thread_ts: string;
  channel: string;
}

/** A person's plain reply inside a thread (not the bot, not an edit or a join message). */
function asThreadReply(event: Args["event"]): ThreadReply | null {
  const e = event as unknown as Record<string, unknown>;
  if (e["subtype"] !== undefined || e["bot_id"] !== undefined) return null;
  const { user, text, ts, thread_ts: threadTs, channel } = e;
  if (typeof user !== "string" || typeof text !== "string" || typeof ts !== "string") return null;
  if (typeof threadTs !== "string" || threadTs === ts || typeof channel !== "string") return null;
  return { user, text, ts, thread_ts: threadTs, channel };
}

export function handoffThreadReplyCallback(ctx: SlackContext) {
  return async ({ event, client }: Args): Promise<void> => {
    const reply = asThreadReply(event);
    if (!reply) return;
    const thread = await ctx.db.handoffThreads.findByCard({ channel: reply.channel, ts: reply.thread_ts });
    if (!thread) return; // a thread under some other message
    const text = reply.text.trim();
    if (!text || text.startsWith(ctx.config.slack.internalNotePrefix)) return;
    const where = { channel: reply.channel, user: reply.user };
    if (!canDecideOrders(ctx.roles, reply.user)) {
      await tellPrivately(
        client,
        ctx.logger,
        where,
        "Only approvers and admins can answer customers; your reply was not sent.",
      );
      return;
    }
    if (thread.resumed) {
      await tellPrivately(
        client,
        ctx.logger,
        where,
        "The bot has this conversation again, so your reply was not sent. `/bot pause <phone>` takes it over.",
      );
      return;
    }
    const at = clock.now();
    await ctx.db.handoffThreads.noteStaffReply(thread._id, at);
    await ctx.inngest.send(
      slackHandoffReplied.create(
        {
          accountId: thread.accountId,
          conversationId: thread.conversationId,
          contactId: thread.contactId,
          text: text.slice(0, 4_096),
          by: reply.user,
          channel: reply.channel,
          ts: reply.ts,
          at: at.toISOString(),
        },
        { id: slackHandoffRepliedEventId(reply.channel, reply.ts) },
      ),
    );
  };
}
