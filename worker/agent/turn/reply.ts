// Sending a turn's replies, with the watermark ("reply-and-advance"), and, once the conversation
// entered promos, the promos list after a short pause ("pause-before-promos", "send-promos"). Dedupe keys come from the
// conversation + watermark + index, so a retried step never sends one twice. If WhatsApp stays down
// through every retry of a sending step, the unsent replies are handed to the proactive sender under
// the same keys ("hand-off-replies", "hand-off-promos"): late, but once, never lost.
import { clock } from "../../../shared/clock.js";
import { replyDedupeKey } from "../../keys.js";
import type { AgentStep, Attempt, Turn, TurnDeps } from "./context.js";
import { recipientOf } from "./context.js";
import {
  deliverReplies,
  handOffRequests,
  type OutgoingReply,
  type ReplyDelivery,
} from "./deliver-replies.js";
import { advanceWatermark, moveWatermark } from "./apply.js";
import type { TurnPlan } from "./turn-plan.js";

type SendDeps = Pick<TurnDeps, "db" | "transport" | "logger">;

function sendDepsOf(deps: SendDeps) {
  return { db: deps.db, transport: deps.transport, logger: deps.logger };
}

/**
 * Sends the plan's replies in order and moves the watermark past the turn's messages, in one step
 * ("reply-and-advance"): a retry finds the replies sent (same keys) and the watermark moved. Replies
 * handed to the proactive sender are handed over first and the watermark follows in its own step,
 * so a turn is never marked handled with replies that went nowhere. Returns how many replies there
 * were and when the turn was handled.
 */
export async function sendRepliesAndAdvance(
  step: AgentStep,
  deps: SendDeps,
  turn: Turn,
  plan: TurnPlan,
  attempt: Attempt,
): Promise<{ replies: number; at: string }> {
  const recipient = recipientOf(turn);
  const replies: OutgoingReply[] = plan.replies.map((r, index) => ({
    text: r.text,
    dedupeKey: replyDedupeKey(recipient.conversationId, turn.watermark, index),
  }));
  if (replies.length === 0) return { replies: 0, ...(await advanceWatermark(step, deps, turn, plan)) };
  const delivery = await step.run("reply-and-advance", async (): Promise<ReplyDelivery & { at?: string }> => {
    const delivered = await deliverReplies(sendDepsOf(deps), recipient, replies, attempt);
    if (delivered.handedOff.length > 0) return delivered;
    return { ...delivered, ...(await moveWatermark(deps, turn, plan)) };
  });
  if (delivery.at !== undefined) return { replies: replies.length, at: delivery.at };
  // WhatsApp stayed unavailable through every retry: the proactive sender keeps trying.
  await step.sendEvent("hand-off-replies", handOffRequests(recipient, delivery.handedOff));
  return { replies: replies.length, ...(await advanceWatermark(step, deps, turn, plan)) };
}

/**
 * Sends the promos list a short pause after the turn's replies (when there were any); returns when
 * it went out, the time the promos count as offered from.
 */
export async function sendPromosList(
  step: AgentStep,
  deps: SendDeps & Pick<TurnDeps, "config">,
  turn: Turn,
  text: string,
  sent: { replies: number; attempt: Attempt },
): Promise<string> {
  const delayMs = deps.config.agent.modeTransitionDelayMs;
  const recipient = recipientOf(turn);
  if (delayMs > 0 && sent.replies > 0) await step.sleep("pause-before-promos", delayMs);
  const list = { text, dedupeKey: replyDedupeKey(recipient.conversationId, turn.watermark, "promos") };
  const delivery = await step.run("send-promos", async () => ({
    ...(await deliverReplies(sendDepsOf(deps), recipient, [list], sent.attempt)),
    at: clock.now().toISOString(),
  }));
  if (delivery.handedOff.length > 0) {
    await step.sendEvent("hand-off-promos", handOffRequests(recipient, delivery.handedOff));
  }
  return delivery.at;
}
