// Delivering the agent's replies. They go out at once, as one batch (sendBatch), while the sending
// step has retries left (about 5 minutes when WhatsApp is not ready). When WhatsApp stays
// unavailable through all of them, the replies not sent yet are handed to the proactive sender
// (`whatsapp/message.send-requested`, retried for over an hour) under the SAME dedupe keys: a key
// is delivered once, whichever function gets there first, so nothing is lost or doubled.
import { NonRetriableError } from "inngest";
import { whatsappMessageSendRequested } from "../../../shared/events.js";
import { describeError, silentLogger } from "../../logger.js";
import type { E164 } from "../../gateway/transport.js";
import {
  sendBatch,
  type SendBatchOutcome,
  type SendOnceDeps,
  type SendOnceResult,
} from "../../outbound/send-once.js";
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
 * Sends the replies in order, as one batch. A failure that retrying may fix is rethrown for the step
 * to retry, except on the last attempt: then that reply and the ones after it are handed off instead.
 */
export async function deliverReplies(
  deps: SendOnceDeps,
  recipient: ReplyRecipient,
  replies: readonly OutgoingReply[],
  retry: { attempt: number; lastAttempt: boolean },
): Promise<ReplyDelivery> {
  const logger = deps.logger ?? silentLogger;
  let outcome: SendBatchOutcome;
  try {
    outcome = await sendBatch(deps, { ...recipient, origin: "agent", messages: replies });
  } catch (error) {
    // Nothing was sent (unknown conversation, WhatsApp not ready...).
    outcome = { results: [], failure: { index: 0, error } };
  }
  const sent = outcome.results.map((r) => r.status);
  const failure = outcome.failure;
  if (!failure) return { sent, handedOff: [] };
  const stepError = toStepError(failure.error, retry.attempt);
  if (!retry.lastAttempt || stepError instanceof NonRetriableError) throw stepError;
  logger.warn(
    {
      accountId: recipient.accountId,
      conversationId: recipient.conversationId,
      replies: replies.length - failure.index,
      error: describeError(failure.error),
    },
    "replies not delivered after every retry: handed to the proactive sender",
  );
  return { sent, handedOff: replies.slice(failure.index) };
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
