// Delivering the agent's replies. They go out at once through sendOnce while the sending step has
// retries left (about 5 minutes when WhatsApp is not ready). When WhatsApp stays unavailable through
// all of them, the replies not sent yet are handed to the proactive sender
// (`whatsapp/message.send-requested`, retried for over an hour) under the SAME dedupe keys: sendOnce
// delivers each key once, whichever function gets there first, so nothing is lost or doubled.
import { NonRetriableError } from "inngest";
import { whatsappMessageSendRequested } from "../../../shared/events.js";
import { describeError, silentLogger } from "../../logger.js";
import type { E164 } from "../../gateway/transport.js";
import { sendOnce, type SendOnceDeps, type SendOnceResult } from "../../outbound/send-once.js";
import { toStepError } from "../../outbound/step-errors.js";
import { sendRequestedEventId } from "../../keys.js";

/** The send request's `reason` for a reply the agent could not deliver itself. */
export const AGENT_REPLY_REASON = "agent-reply";

export interface OutgoingReply {
  dedupeKey: string;
  text: string;
}

export interface ReplyRecipient {
  accountId: string;
  conversationId: string;
  contactId: string;
  to: E164;
}

/** JSON-safe: it is a step's memoized output. */
export interface ReplyDelivery {
  /** sendOnce's outcome for each reply sent now, in order. */
  sent: SendOnceResult["status"][];
  /** Replies (in order) left to the proactive sender because this step ran out of retries. */
  handedOff: OutgoingReply[];
}

/** Whether this is the step's last attempt (Inngest counts attempts from 0; maxAttempts = retries + 1). */
export function isLastAttempt(attempt: number, maxAttempts: number | undefined): boolean {
  return maxAttempts !== undefined && attempt + 1 >= maxAttempts;
}

/**
 * Sends the replies in order. A failure that retrying may fix is rethrown for the step to retry,
 * except on the last attempt: then that reply and the ones after it are handed off instead.
 */
export async function deliverReplies(
  deps: SendOnceDeps,
  recipient: ReplyRecipient,
  replies: readonly OutgoingReply[],
  retry: { attempt: number; lastAttempt: boolean },
): Promise<ReplyDelivery> {
  const logger = deps.logger ?? silentLogger;
  const sent: SendOnceResult["status"][] = [];
  for (const [index, reply] of replies.entries()) {
    try {
      const result = await sendOnce(deps, { ...recipient, ...reply, origin: "agent" });
      sent.push(result.status);
    } catch (error) {
      const stepError = toStepError(error, retry.attempt);
      if (!retry.lastAttempt || stepError instanceof NonRetriableError) throw stepError;
      logger.warn(
        {
          accountId: recipient.accountId,
          conversationId: recipient.conversationId,
          replies: replies.length - index,
          error: describeError(error),
        },
        "replies not delivered after every retry: handed to the proactive sender",
      );
      return { sent, handedOff: replies.slice(index) };
    }
  }
  return { sent, handedOff: [] };
}

/** The send requests that take over handed-off replies (event ids from the dedupe keys: sent once). */
export function handOffRequests(
  recipient: Pick<ReplyRecipient, "accountId" | "conversationId" | "to">,
  replies: readonly OutgoingReply[],
) {
  const { accountId, conversationId, to } = recipient;
  return replies.map((reply) =>
    whatsappMessageSendRequested.create(
      {
        accountId,
        conversationId,
        to,
        text: reply.text,
        dedupeKey: reply.dedupeKey,
        reason: AGENT_REPLY_REASON,
      },
      { id: sendRequestedEventId(accountId, reply.dedupeKey) },
    ),
  );
}
