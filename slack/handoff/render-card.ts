// Reads what a handoff card shows from MongoDB and posts or refreshes it.
import { clock } from "../../shared/clock.js";
import type { HandoffThreadDoc } from "../../shared/db/index.js";
import type { SlackClient, SlackContext } from "../context.js";
import { handoffCard } from "./card.js";

export interface HandoffSlackDeps extends SlackContext {
  client: SlackClient;
}

async function cardMessage(deps: HandoffSlackDeps, thread: HandoffThreadDoc, previousLink?: string) {
  const { db, config } = deps;
  const conversation = await db.conversations.getById(thread.conversationId);
  if (!conversation) return null;
  const contact = await db.contacts.getById(thread.contactId);
  const recent = await db.messages.listRecent(thread.conversationId, 6);
  return handoffCard({
    thread,
    conversation,
    contact,
    ...(conversation.collected.name ? { name: conversation.collected.name } : {}),
    recent,
    ...(previousLink ? { previousLink } : {}),
    now: clock.now(),
    timezone: config.business.timezone,
    autoResumeMs: config.slack.handoffAutoResumeMs,
  });
}

async function permalink(
  client: SlackClient,
  ref: { channel: string; ts: string },
): Promise<string | undefined> {
  try {
    const answer = await client.chat.getPermalink({ channel: ref.channel, message_ts: ref.ts });
    return answer.permalink;
  } catch {
    return undefined;
  }
}

/** Posts the episode's card once; answers where it is. */
export async function postHandoffCard(deps: HandoffSlackDeps, thread: HandoffThreadDoc) {
  if (thread.card) return thread.card;
  const previous = await deps.db.handoffThreads.previousWithCard(thread.conversationId, thread.episode);
  const link = previous?.card ? await permalink(deps.client, previous.card) : undefined;
  const message = await cardMessage(deps, thread, link);
  if (!message) return null;
  const sent = await deps.client.chat.postMessage({
    channel: deps.config.slack.handoffChannel,
    text: message.text,
    blocks: message.blocks as never,
  });
  if (!sent.channel || !sent.ts) throw new Error("chat.postMessage answered without channel or ts");
  const card = { channel: sent.channel, ts: sent.ts };
  await deps.db.handoffThreads.attachCard(thread._id, card, previous?.card);
  return card;
}

/** Shows the thread's current state on its card (the reason learnt later, who resumed). */
export async function refreshHandoffCard(deps: HandoffSlackDeps, threadId: string): Promise<void> {
  const thread = await deps.db.handoffThreads.get(threadId);
  if (!thread?.card) return;
  const previous = thread.previous ? await permalink(deps.client, thread.previous) : undefined;
  const message = await cardMessage(deps, thread, previous);
  if (!message) return;
  await deps.client.chat.update({
    channel: thread.card.channel,
    ts: thread.card.ts,
    text: message.text,
    blocks: message.blocks as never,
  });
}
