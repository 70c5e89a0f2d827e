// Idempotent send: the outbound message is recorded under its dedupe key BEFORE it reaches the
// transport and marked sent after, so a retried step (or a redelivered event) never sends twice. An
// attempt cut off in between (the process killed) is settled by what the chat shows: delivered, it
// is recorded as sent; not delivered, it is sent once the attempt is clearly dead.
// Every automated path and the agent's replies send through here; it is also where "nothing is sent
// to an opted-out contact" is enforced (only the opt-out/opt-in confirmations pass), and "a message
// goes to the number of the conversation it is recorded under". Several messages to one conversation
// (a turn's replies) go as one batch: one seq reservation, one insert, one write marking them sent.
import type { ConversationDoc, DbHandle, MessageDoc, OutboundOrigin } from "../../shared/db/index.js";
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

/** Several messages to one conversation, sent in order (a turn's replies). */
export interface SendBatchRequest extends Omit<SendOnceRequest, "text" | "dedupeKey"> {
  messages: readonly { dedupeKey: string; text: string }[];
}

/** What a batch did. JSON-safe apart from `failure.error`. */
export interface SendBatchOutcome {
  /** sendOnce's result for each message handled, in order: all of them unless there is a failure. */
  results: SendOnceResult[];
  /** The first message that could not be sent (its index) and why; the ones after it were not tried. */
  failure?: { index: number; error: unknown };
}

/** One message: sendOnce is a batch of one. Throws what stopped it. */
export async function sendOnce(deps: SendOnceDeps, request: SendOnceRequest): Promise<SendOnceResult> {
  const { text, dedupeKey, ...common } = request;
  const outcome = await sendBatch(deps, { ...common, messages: [{ dedupeKey, text }] });
  if (outcome.failure) throw outcome.failure.error;
  return outcome.results[0]!;
}

/**
 * Sends the messages in order, each once per dedupe key. In the usual case that is three writes
 * for the whole batch: the seqs (with the conversation's checks), one insert recording every
 * message before it reaches the transport, and one write marking them sent. A message that cannot
 * be sent stops the batch: it is reported as the failure, the ones before it stay sent and the ones
 * after it are not tried (their records are removed, so a retry records them afresh). Throws, before
 * anything is sent, for what concerns the whole batch: an unknown conversation, the wrong recipient,
 * WhatsApp not ready.
 */
export async function sendBatch(deps: SendOnceDeps, request: SendBatchRequest): Promise<SendBatchOutcome> {
  const { db, transport } = deps;
  const logger = deps.logger ?? silentLogger;
  const log = logFields(request);
  if (request.messages.length === 0) return { results: [] };

  // Not ready: fail before reserving, so waiting for WhatsApp does not count as failed attempts
  // (a message to an opted-out contact is still dropped at once: that needs no WhatsApp).
  const state = transport.status().state;
  if (state !== "ready") {
    const conversation = await checkedConversation(db, request);
    if (conversation.optedOut && !request.evenIfOptedOut) return dropOptedOut(deps, request);
    throw new TransportNotReadyError(state);
  }

  const seqs = await reserveSeqs(deps, request);
  if (seqs === "opted-out") return dropOptedOut(deps, request);
  const batch = await db.messages.reserveOutboundBatch({
    accountId: request.accountId,
    conversationId: request.conversationId,
    contactId: request.contactId ?? seqs.contactId,
    origin: request.origin,
    ...(request.author ? { author: request.author } : {}),
    firstSeq: seqs.firstSeq,
    messages: request.messages.map(({ dedupeKey, text }) => ({ dedupeKey, text })),
  });

  const results: SendOnceResult[] = [];
  const sent: { messageId: string; waMessageId: string }[] = [];
  let failure: SendBatchOutcome["failure"];
  let failed: { messageId: string; error: string } | undefined;
  for (const [index, item] of request.messages.entries()) {
    const reserved = batch[index]!;
    let message: MessageDoc;
    try {
      if (reserved.outcome === "reserved") {
        message = reserved.message;
      } else {
        // Recorded by an earlier attempt: sent already, failed (retry it), or in flight.
        const earlier = await claimEarlier(deps, request, item, seqs.contactId);
        if ("result" in earlier) {
          results.push(earlier.result);
          continue;
        }
        message = earlier.message;
      }
    } catch (error) {
      failure = { index, error };
      break;
    }
    // The stored text wins: a retry sends exactly what was reserved first.
    try {
      const delivered = await transport.send(request.to, message.text, item.dedupeKey);
      sent.push({ messageId: message._id, waMessageId: delivered.messageId });
      logger.debug({ ...log, attempts: message.attempts ?? 1 }, "message sent");
      results.push({
        status: "sent",
        messageId: message._id,
        waMessageId: delivered.messageId,
        attempts: message.attempts ?? 1,
      });
    } catch (error) {
      logger.warn({ ...log, error: describeError(error) }, "send failed");
      failed = { messageId: message._id, error: describeError(error) };
      failure = { index, error };
      break;
    }
  }
  const unsent = failure
    ? batch.slice(failure.index + 1).flatMap((b) => (b.outcome === "reserved" ? [b.message._id] : []))
    : [];
  // What went out is never marked failed, or a retry would send it again. Recording it rides out a
  // database that is unreachable for a moment; past that the records stay in flight, and a later
  // attempt settles them by what the chat shows.
  await retryWhileUnreachable(
    () => db.messages.settleOutbound({ sent, ...(failed ? { failed } : {}), unsent }),
    {
      onRetry: (error) =>
        logger.warn(
          { ...log, error: describeError(error) },
          "sent, but the database is unreachable; recording it again",
        ),
    },
  );
  return failure ? { results, failure } : { results };
}

/** The conversation the request names, checked: it is the account's, and `to` is its phone. */
async function checkedConversation(
  db: SendOnceDeps["db"],
  request: Pick<SendOnceRequest, "accountId" | "conversationId" | "to">,
): Promise<ConversationDoc> {
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
  return conversation;
}

/**
 * The batch's seqs, reserved only if the conversation checks out (one conditional update); when it
 * does not, a read says why: another account or phone (thrown), or the contact opted out.
 */
async function reserveSeqs(
  deps: SendOnceDeps,
  request: SendBatchRequest,
): Promise<{ firstSeq: number; contactId: string } | "opted-out"> {
  const expected = {
    accountId: request.accountId,
    to: request.to,
    ...(request.evenIfOptedOut ? { evenIfOptedOut: true } : {}),
  };
  // A second try covers an opt-in landing between the update and the read.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const seqs = await deps.db.conversations.reserveOutboundSeqs(
      request.conversationId,
      request.messages.length,
      expected,
    );
    if (seqs) return seqs;
    const conversation = await checkedConversation(deps.db, request);
    if (conversation.optedOut && !request.evenIfOptedOut) return "opted-out";
  }
  throw new Error(`conversation ${request.conversationId} kept changing while reserving a send`);
}

/** Nothing is sent to an opted-out contact: each message not sent before is dropped and audited. */
async function dropOptedOut(deps: SendOnceDeps, request: SendBatchRequest): Promise<SendBatchOutcome> {
  const logger = deps.logger ?? silentLogger;
  const keys = request.messages.map((m) => m.dedupeKey);
  // Before any reservation: a later opt-in must not find a stale "pending" under these keys.
  const earlier = await deps.db.messages.listByDedupeKeys(request.accountId, keys);
  const sentBefore = new Map(earlier.filter((m) => m.status === "sent").map((m) => [m.dedupeKey, m]));
  const results: SendOnceResult[] = [];
  for (const dedupeKey of keys) {
    const already = sentBefore.get(dedupeKey);
    if (already) {
      results.push(alreadySent(already));
      continue;
    }
    await deps.db.audit.record({
      actor: { kind: "system", id: "whatsapp-gateway" },
      action: "message.dropped_opted_out",
      subject: { type: "conversation", id: request.conversationId },
      accountId: request.accountId,
      details: { origin: request.origin, dedupeKey, reason: request.reason ?? null },
    });
    logger.info({ ...logFields(request), dedupeKey }, "dropped a message to an opted-out contact");
    results.push({ status: "dropped_opted_out", conversationId: request.conversationId });
  }
  return { results };
}

/**
 * A message whose key an earlier attempt recorded: its result if it was sent, else the record this
 * attempt now owns (a failed one, or one whose attempt died mid-send). Throws SendInFlightError
 * while another attempt may still be sending it.
 */
async function claimEarlier(
  deps: SendOnceDeps,
  request: SendBatchRequest,
  item: { dedupeKey: string; text: string },
  conversationContactId: string,
): Promise<{ result: SendOnceResult } | { message: MessageDoc }> {
  const { db } = deps;
  const logger = deps.logger ?? silentLogger;
  const reserve = () =>
    db.messages.reserveOutbound({
      accountId: request.accountId,
      conversationId: request.conversationId,
      contactId: request.contactId ?? conversationContactId,
      dedupeKey: item.dedupeKey,
      text: item.text,
      origin: request.origin,
      ...(request.author ? { author: request.author } : {}),
    });
  let reservation = await reserve();
  if (reservation.outcome === "already_sent") return { result: alreadySent(reservation.message) };
  if (reservation.outcome === "in_flight") {
    const startedMs = (reservation.message.lastAttemptAt ?? reservation.message.at).getTime();
    // The attempt may have been cut off after WhatsApp took the message and before it was recorded
    // (a kill -9): if the chat shows it, record it as sent instead of sending it again.
    const delivered = await lookUpDelivery(deps, request, request.to, {
      text: reservation.message.text,
      dedupeKey: item.dedupeKey,
      sinceMs: startedMs,
    });
    if (delivered) {
      await db.messages.markSent(reservation.message._id, delivered.messageId);
      logger.info(
        { ...logFields(request), dedupeKey: item.dedupeKey },
        "an interrupted send had been delivered",
      );
      return {
        result: {
          status: "already_sent",
          messageId: reservation.message._id,
          waMessageId: delivered.messageId,
        },
      };
    }
    if (clock.nowMs() - startedMs < (deps.inFlightStaleMs ?? DEFAULT_IN_FLIGHT_STALE_MS)) {
      throw new SendInFlightError(`message ${item.dedupeKey} is being sent by another attempt`);
    }
    // The attempt that reserved it died with the result unknown: take it over (atomically).
    logger.warn(
      { ...logFields(request), dedupeKey: item.dedupeKey },
      "taking over a send whose attempt never finished",
    );
    await db.messages.markFailed(reservation.message._id, "attempt abandoned (result unknown)");
    reservation = await reserve();
    if (reservation.outcome === "already_sent") return { result: alreadySent(reservation.message) };
    if (reservation.outcome === "in_flight") {
      throw new SendInFlightError(`message ${item.dedupeKey} was taken over by another attempt`);
    }
  }
  return { message: reservation.message };
}

/** What the transport's chat shows of an attempt; a failed look is no answer (the caller decides). */
async function lookUpDelivery(
  deps: SendOnceDeps,
  request: Pick<SendBatchRequest, "accountId" | "conversationId" | "origin">,
  to: E164,
  attempt: SendAttempt,
): Promise<SendResult | undefined> {
  if (!deps.transport.findSent) return undefined;
  try {
    return await deps.transport.findSent(to, attempt);
  } catch (error) {
    (deps.logger ?? silentLogger).warn(
      { ...logFields(request), error: describeError(error) },
      "could not look up whether an interrupted send was delivered",
    );
    return undefined;
  }
}

/** What every log line of a send says about it (no phone number, no text). */
function logFields(request: Pick<SendBatchRequest, "accountId" | "conversationId" | "origin">) {
  return { accountId: request.accountId, conversationId: request.conversationId, origin: request.origin };
}

function alreadySent(message: MessageDoc): SendOnceResult {
  return {
    status: "already_sent",
    messageId: message._id,
    ...(message.waMessageId ? { waMessageId: message.waMessageId } : {}),
  };
}
