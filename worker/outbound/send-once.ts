// Idempotent send: the outbound message is recorded under its dedupe key BEFORE it reaches the
// transport and marked sent after, so a retried step (or a redelivered event) never sends twice. An
// attempt cut off in between (the process killed) is settled by what the chat shows: delivered, it
// is recorded as sent; not delivered, it is sent once the attempt is clearly dead.
// Every automated path and the agent's replies send through here; it is also where "nothing is sent
// to an opted-out contact" is enforced (only the opt-out/opt-in confirmations pass), and "a message
// goes to the number of the conversation it is recorded under".
import type { DbHandle, MessageDoc, OutboundOrigin } from "../../shared/db/index.js";
import { retryWhileUnreachable } from "../../shared/db/index.js";
import { clock } from "../../shared/clock.js";
import { describeError, silentLogger, type WorkerLogger } from "../logger.js";
import {
  TransportNotReadyError,
  type E164,
  type SendAttempt,
  type SendResult,
  type Transport,
} from "../gateway/transport.js";

export interface SendOnceDeps {
  db: Pick<DbHandle, "messages" | "conversations" | "audit">;
  transport: Pick<Transport, "send" | "status" | "findSent">;
  logger?: WorkerLogger;
  /**
   * An attempt still pending after this long is taken to have died mid-send (process crash) and is
   * sent again unless the chat shows it delivered (`Transport.findSent`): a rare duplicate is
   * better than a lost order notification. Default 2 minutes (a WhatsApp send takes seconds).
   */
  inFlightStaleMs?: number;
}

export interface SendOnceRequest {
  accountId: string;
  conversationId: string;
  /** Default: the conversation's contact. */
  contactId?: string;
  to: E164;
  text: string;
  /** Unique per intended message, e.g. "reply:<inbound message id>:1", "nudge:<conv>:<episode>:1". */
  dedupeKey: string;
  origin: OutboundOrigin;
  /** Who wrote it, when a person did (origin "staff"). */
  author?: string;
  /** Short reason kept in the audit log when the send is dropped, e.g. "data-collection-nudge". */
  reason?: string;
  /** Only the opt-out/opt-in confirmations set this: they must reach an opted-out contact. */
  evenIfOptedOut?: boolean;
}

/** JSON-safe (it is a step's return value). */
export type SendOnceResult =
  | { status: "sent"; messageId: string; waMessageId: string; attempts: number }
  | { status: "already_sent"; messageId: string; waMessageId?: string }
  | { status: "dropped_opted_out"; conversationId: string };

/** An earlier attempt with the same key is being sent right now; retry later (retriable). */
export class SendInFlightError extends Error {
  override readonly name = "SendInFlightError";
}

/** The request names a conversation that does not exist or belongs to another account (never retriable). */
export class UnknownConversationError extends Error {
  override readonly name = "UnknownConversationError";
}

/**
 * `to` is not the conversation's phone (never retriable): a message is only ever recorded under the
 * conversation it goes to. The error names the conversation, never the numbers (customer data).
 */
export class RecipientMismatchError extends Error {
  override readonly name = "RecipientMismatchError";
}

const DEFAULT_IN_FLIGHT_STALE_MS = 120_000;

export async function sendOnce(deps: SendOnceDeps, request: SendOnceRequest): Promise<SendOnceResult> {
  const { db, transport } = deps;
  const logger = deps.logger ?? silentLogger;
  const log = {
    accountId: request.accountId,
    conversationId: request.conversationId,
    origin: request.origin,
  };

  const conversation = await db.conversations.getById(request.conversationId);
  if (!conversation || conversation.accountId !== request.accountId) {
    throw new UnknownConversationError(
      `conversation ${request.conversationId} is not a conversation of account ${request.accountId}`,
    );
  }
  if (request.to !== conversation.phone) {
    throw new RecipientMismatchError(
      `send refused: "to" is not the phone number of conversation ${request.conversationId}`,
    );
  }
  if (conversation.optedOut && !request.evenIfOptedOut) {
    // Before any reservation: a later opt-in must not find a stale "pending" under this key.
    const already = await db.messages.getByDedupeKey(request.accountId, request.dedupeKey);
    if (already?.status === "sent") return alreadySent(already);
    await db.audit.record({
      actor: { kind: "system", id: "whatsapp-gateway" },
      action: "message.dropped_opted_out",
      subject: { type: "conversation", id: request.conversationId },
      accountId: request.accountId,
      details: { origin: request.origin, dedupeKey: request.dedupeKey, reason: request.reason ?? null },
    });
    logger.info({ ...log, dedupeKey: request.dedupeKey }, "dropped a message to an opted-out contact");
    return { status: "dropped_opted_out", conversationId: request.conversationId };
  }

  // Not ready: fail before reserving, so waiting for WhatsApp does not count as failed attempts.
  const state = transport.status().state;
  if (state !== "ready") throw new TransportNotReadyError(state);

  const reserve = () =>
    db.messages.reserveOutbound({
      accountId: request.accountId,
      conversationId: request.conversationId,
      contactId: request.contactId ?? conversation.contactId,
      dedupeKey: request.dedupeKey,
      text: request.text,
      origin: request.origin,
      ...(request.author ? { author: request.author } : {}),
    });
  let reservation = await reserve();
  if (reservation.outcome === "already_sent") return alreadySent(reservation.message);
  if (reservation.outcome === "in_flight") {
    const startedMs = (reservation.message.lastAttemptAt ?? reservation.message.at).getTime();
    // The attempt may have been cut off after WhatsApp took the message and before it was recorded
    // (a kill -9): if the chat shows it, record it as sent instead of sending it again.
    const delivered = await lookUpDelivery(deps, log, request.to, {
      text: reservation.message.text,
      dedupeKey: request.dedupeKey,
      sinceMs: startedMs,
    });
    if (delivered) {
      await db.messages.markSent(reservation.message._id, delivered.messageId);
      logger.info({ ...log, dedupeKey: request.dedupeKey }, "an interrupted send had been delivered");
      return { status: "already_sent", messageId: reservation.message._id, waMessageId: delivered.messageId };
    }
    if (clock.nowMs() - startedMs < (deps.inFlightStaleMs ?? DEFAULT_IN_FLIGHT_STALE_MS)) {
      throw new SendInFlightError(`message ${request.dedupeKey} is being sent by another attempt`);
    }
    // The attempt that reserved it died with the result unknown: take it over (atomically).
    logger.warn({ ...log, dedupeKey: request.dedupeKey }, "taking over a send whose attempt never finished");
    await db.messages.markFailed(reservation.message._id, "attempt abandoned (result unknown)");
    reservation = await reserve();
    if (reservation.outcome === "already_sent") return alreadySent(reservation.message);
    if (reservation.outcome === "in_flight") {
      throw new SendInFlightError(`message ${request.dedupeKey} was taken over by another attempt`);
    }
  }

  const message = reservation.message;
  // The stored text wins: a retry sends exactly what was reserved first.
  let sent: SendResult;
  try {
    sent = await transport.send(request.to, message.text, request.dedupeKey);
  } catch (error) {
    await db.messages.markFailed(message._id, describeError(error)).catch(() => undefined);
    logger.warn({ ...log, error: describeError(error) }, "send failed");
    throw error;
  }
  // It went out: from here on it is never marked failed, or a retry would send it again. Recording
  // it rides out a database that is unreachable for a moment; past that the reservation stays in
  // flight (a later attempt takes it over only once it is stale).
  await retryWhileUnreachable(() => db.messages.markSent(message._id, sent.messageId), {
    onRetry: (error) =>
      logger.warn(
        { ...log, error: describeError(error) },
        "sent, but the database is unreachable; recording it again",
      ),
  });
  logger.debug({ ...log, attempts: message.attempts ?? 1 }, "message sent");
  return {
    status: "sent",
    messageId: message._id,
    waMessageId: sent.messageId,
    attempts: message.attempts ?? 1,
  };
}

/** What the transport's chat shows of an attempt; a failed look is no answer (the caller decides). */
async function lookUpDelivery(
  deps: SendOnceDeps,
  log: Record<string, string>,
  to: E164,
  attempt: SendAttempt,
): Promise<SendResult | undefined> {
  if (!deps.transport.findSent) return undefined;
  try {
    return await deps.transport.findSent(to, attempt);
  } catch (error) {
    (deps.logger ?? silentLogger).warn(
      { ...log, error: describeError(error) },
      "could not look up whether an interrupted send was delivered",
    );
    return undefined;
  }
}

function alreadySent(message: MessageDoc): SendOnceResult {
  return {
    status: "already_sent",
    messageId: message._id,
    ...(message.waMessageId ? { waMessageId: message.waMessageId } : {}),
  };
}
