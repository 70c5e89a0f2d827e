// `/bot pause` and `/bot resume`: a person takes a WhatsApp conversation over from the bot, and gives
// it back. Pausing is the conversation mode `handoff`, in which the agent, its timers and automations
// stay silent; the mode change is one conditional update in MongoDB and is announced as
// agent/mode.changed, which also cancels the timers waiting in the old mode.
import { clock } from "../../shared/clock.js";
import type { ConversationDoc } from "../../shared/db/index.js";
import type { Actor } from "../../shared/domain/actor.js";
import type { ConversationMode } from "../../shared/domain/conversation.js";
import { conversationModeSchema } from "../../shared/domain/conversation.js";
import { agentModeChanged } from "../../shared/events.js";
import type { SlackContext } from "../context.js";
import { resumeMode } from "./resume-mode.js";

export type PauseResult =
  | { outcome: "paused" | "resumed"; conversation: ConversationDoc; from: ConversationMode }
  | { outcome: "already_paused" | "not_paused" | "opted_out"; conversation: ConversationDoc };

/** Same id the agent uses for a mode change: one event per episode. */
function modeChangedEventId(conversationId: string, episode: number): string {
  return `mode:${conversationId}:${episode}`;
}

/**
 * A lost announcement is logged, not thrown: the mode in MongoDB is what the agent and the timers
 * read before acting, so they stay silent all the same.
 */
async function announce(
  ctx: SlackContext,
  conversation: ConversationDoc,
  from: ConversationMode,
): Promise<void> {
  try {
    await ctx.inngest.send(
      agentModeChanged.create(
        {
          accountId: conversation.accountId,
          conversationId: conversation._id,
          contactId: conversation.contactId,
          from,
          to: conversation.mode,
          at: conversation.modeChangedAt.toISOString(),
        },
        { id: modeChangedEventId(conversation._id, conversation.episode) },
      ),
    );
  } catch (error) {
    ctx.logger.error(
      { conversationId: conversation._id, error: String(error) },
      "could not announce the mode change",
    );
  }
}

const ATTEMPTS = 5;

export async function pauseConversation(
  ctx: SlackContext,
  conversationId: string,
  userId: string,
): Promise<PauseResult> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const current = await ctx.db.conversations.getById(conversationId);
    if (!current) throw new Error(`conversation ${conversationId} disappeared`);
    if (current.mode === "handoff") return { outcome: "already_paused", conversation: current };
    if (current.mode === "opted_out") return { outcome: "opted_out", conversation: current };
    const changed = await ctx.db.conversations.setMode(conversationId, current.mode, "handoff", {
      expectedEpisode: current.episode,
    });
    if (!changed.ok) continue; // the agent moved it meanwhile: read again
    // The handoff card says who paused it (it is posted on the mode change announced below).
    const thread = await ctx.db.handoffThreads.open({
      accountId: current.accountId,
      conversationId,
      contactId: current.contactId,
      episode: changed.conversation.episode,
      startedAt: changed.conversation.modeChangedAt,
    });
    await ctx.db.handoffThreads.setReason(thread._id, { reason: "paused", pausedBy: userId });
    await ctx.db.audit.record({
      actor: { kind: "slack_user", id: userId },
      action: "conversation.paused",
      subject: { type: "conversation", id: conversationId },
      accountId: current.accountId,
      details: { from: current.mode },
    });
    await announce(ctx, changed.conversation, current.mode);
    return { outcome: "paused", conversation: changed.conversation, from: current.mode };
  }
  throw new Error("the conversation kept changing mode; try again");
}

/** `by`: the Slack user who resumed, or the system actor of an automatic resume. */
export async function resumeConversation(
  ctx: SlackContext,
  conversationId: string,
  by: string | Actor,
): Promise<PauseResult> {
  const actor: Actor = typeof by === "string" ? { kind: "slack_user", id: by } : by;
  const current = await ctx.db.conversations.getById(conversationId);
  if (!current) throw new Error(`conversation ${conversationId} disappeared`);
  if (current.mode === "opted_out") return { outcome: "opted_out", conversation: current };
  if (current.mode !== "handoff") return { outcome: "not_paused", conversation: current };
  const [lastPause] = (await ctx.db.audit.listForSubject("conversation", conversationId, 20)).filter(
    (e) => e.action === "conversation.paused",
  );
  const before = conversationModeSchema.safeParse(lastPause?.details?.["from"]);
  const open = await ctx.db.orders.findOpenForConversation(conversationId);
  const to = resumeMode(current, {
    hasOpenOrder: open !== null,
    ...(before.success ? { modeBeforePause: before.data } : {}),
  });
  const changed = await ctx.db.conversations.setMode(conversationId, "handoff", to, {
    expectedEpisode: current.episode,
  });
  if (!changed.ok) {
    const latest = await ctx.db.conversations.getById(conversationId);
    return {
      outcome: latest?.mode === "opted_out" ? "opted_out" : "not_paused",
      conversation: latest ?? current,
    };
  }
  await ctx.db.audit.record({
    actor,
    action: "conversation.resumed",
    subject: { type: "conversation", id: conversationId },
    accountId: current.accountId,
    details: { to, at: clock.now().toISOString() },
  });
  await announce(ctx, changed.conversation, "handoff");
  return { outcome: "resumed", conversation: changed.conversation, from: "handoff" };
}
