// The inbound pipeline: a normalized customer message is stored (unique per account + WhatsApp id,
// with an outbox flag) with its contact and conversation, and only then announced to Inngest as
// `whatsapp/message.received` with event id `wa:<account>:<message id>`. From a customer with a
// conversation, the message is stored first (its unique index tells a redelivery or another phone's
// id apart) and the contact touched after; a first message has its id checked, then its contact and
// conversation created, then it is stored.
//
// - Delivered twice: stored once; the second delivery is not announced again unless the first
//   announcement never completed (flag still set). Re-announcing is safe: same event id, one event.
// - Engine down: the message stays stored with its flag set and the call throws; the InboundRelay
//   announces it later (and after a crash between store and send). Nothing is lost, nothing doubled.
// - Database unreachable for a moment: WhatsApp delivers a message once, so the transport handler
//   stores it again (every write above is idempotent) until the database answers, for up to a minute.
// - "STOP"/"START" keywords: handled by worker/optout (one confirmation, opted-out/in event); the
//   keyword itself is never given to the agent.
// - Written by an opted-out contact: stored (chat history) but not announced, and the agent's
//   watermark moves past it, so the agent neither answers now nor after the contact opts back in.
// - Checked whole before anything is written (inboundMessageSchema, the data layer's limits): a
//   message the database would refuse is refused up front, never half-written as a contact and a
//   conversation without it.
// - An id already stored for another phone is refused before any write. WhatsApp's ids name their
//   chat (`false_<chat>_<id>`), so two chats never share one: such a message is not WhatsApp's, and
//   taking it as a redelivery would drop it silently. Refused, it is logged (and the sandbox phones
//   answer 400), and the first phone's message is untouched.
import type {
  ContactDoc,
  ConversationDoc,
  DbHandle,
  MessageDoc,
  RecordInboundResult,
} from "../../shared/db/index.js";
import { retryWhileUnreachable } from "../../shared/db/index.js";
import {
  contactCreatedEventId,
  crmContactCreated,
  inboundMessageEventId,
  whatsappMessageReceived,
} from "../../shared/events.js";
import { applyOptKeyword } from "../optout/apply-opt-keyword.js";
import type { EventPublisher } from "../gateway/event-publisher.js";
import { describeError, silentLogger, type WorkerLogger } from "../logger.js";
import { DEFAULT_OPT_KEYWORDS, detectOptKeyword, type OptKeywords } from "../optout/keywords.js";
import { inboundMessageProblems } from "../gateway/inbound-message.js";
import {
  KnownCustomers,
  storedProfileName,
  type ContactView,
  type KnownCustomer,
} from "./known-customers.js";
import type { InboundMessage, Transport } from "../gateway/transport.js";

export interface InboundPipelineDeps {
  accountId: string;
  db: Pick<DbHandle, "contacts" | "conversations" | "messages" | "audit">;
  /** For the opt-out/opt-in confirmations. */
  transport: Pick<Transport, "send" | "status" | "findSent">;
  events: EventPublisher;
  keywords?: OptKeywords;
  logger?: WorkerLogger;
}

export type InboundOutcome =
  /** Announced as whatsapp/message.received. */
  | "forwarded"
  /** Already stored and announced: nothing to do. */
  | "duplicate"
  | "opted-out"
  | "opted-in"
  /** From an opted-out contact: stored, not announced. */
  | "suppressed"
  /** Addressed to another account's worker (never expected): ignored. */
  | "foreign-account"
  /** Not a message the data layer can store (checked before any write): refused, nothing written. */
  | "invalid"
  /** Its WhatsApp id is already stored for another phone: refused, nothing written. */
  | "id-conflict";

export interface InboundPipeline {
  /** Stores and announces one message. Throws if announcing failed (the message is kept for the relay). */
  receive(message: InboundMessage): Promise<InboundOutcome>;
  /** Announces a stored message whose outbox flag is still set (the relay's entry point). */
  announceStored(message: MessageDoc): Promise<InboundOutcome>;
}

/** The message is stored but its announcement failed (engine down?); the relay will announce it. */
export class NotAnnouncedError extends Error {
  override readonly name = "NotAnnouncedError";
  constructor(
    readonly storedMessageId: string,
    cause: unknown,
  ) {
    super(`stored message ${storedMessageId} not announced yet: ${describeError(cause)}`, { cause });
  }
}

export function createInboundPipeline(deps: InboundPipelineDeps): InboundPipeline {
  const { db, accountId } = deps;
  const logger = deps.logger ?? silentLogger;
  const keywords = deps.keywords ?? DEFAULT_OPT_KEYWORDS;
  const known = new KnownCustomers();

  async function announce(
    message: MessageDoc,
    contact: ContactView,
    conversation: ConversationDoc,
  ): Promise<InboundOutcome> {
    try {
      const outcome = await decideAndAnnounce(message, contact, conversation);
      await db.messages.markForwarded(message._id);
      return outcome;
    } catch (error) {
      throw new NotAnnouncedError(message._id, error);
    }
  }

  async function decideAndAnnounce(
    message: MessageDoc,
    contact: ContactView,
    conversation: ConversationDoc,
  ): Promise<InboundOutcome> {
    const intent = detectOptKeyword(message.text, keywords);
    if (intent) {
      const result = await applyOptKeyword(
        { db, transport: deps.transport, events: deps.events, keywords, logger },
        { intent, contact, conversation, message },
      );
      if (result !== "not-opted-out") return result;
    }
    if (conversation.optedOut) {
      await db.conversations.advanceWatermark(conversation._id, message.seq);
      logger.info(
        { accountId, conversationId: conversation._id, messageId: message._id },
        "message from an opted-out contact stored, not forwarded",
      );
      return "suppressed";
    }
    if (message.seq === 1) {
      // The conversation's first message: a new contact for the CRM automations (one event per contact).
      await deps.events.send(
        crmContactCreated.create(
          {
            accountId,
            conversationId: conversation._id,
            contactId: contact._id,
            at: contact.createdAt.toISOString(),
          },
          { id: contactCreatedEventId(contact._id) },
        ),
      );
    }
    await deps.events.send(
      whatsappMessageReceived.create(
        {
          accountId,
          conversationId: conversation._id,
          contactId: contact._id,
          messageId: message.waMessageId ?? message._id,
          phone: contact.phone,
          ...(contact.profileName ? { name: contact.profileName } : {}),
          text: message.text,
          type: message.kind,
          receivedAt: (message.waTimestamp ?? message.at).toISOString(),
          mode: conversation.mode,
        },
        { id: inboundMessageEventId(accountId, message.waMessageId ?? message._id) },
      ),
    );
    return "forwarded";
  }

  /** True when a message with this id is stored, and not from this phone (reads only). */
  async function storedForAnotherPhone(inbound: InboundMessage): Promise<boolean> {
    const stored = await db.messages.findInbound(accountId, inbound.messageId);
    if (!stored) return false;
    const owner = await db.contacts.getById(stored.contactId);
    return owner?.phone !== inbound.from;
  }

  function toRecord(inbound: InboundMessage, conversationId: string, contactId: string) {
    return {
      accountId,
      conversationId,
      contactId,
      waMessageId: inbound.messageId,
      text: inbound.text,
      kind: inbound.type,
      waTimestamp: new Date(inbound.timestamp),
    };
  }

  /** Stamps (or, for a first message, creates) the contact, and remembers the customer. */
  async function touchContact(inbound: InboundMessage, conversationId?: string): Promise<ContactDoc> {
    const { contact } = await db.contacts.upsertByPhone(
      { accountId, phone: inbound.from, ...(inbound.name ? { profileName: inbound.name } : {}) },
      { likelyNew: conversationId === undefined },
    );
    if (conversationId) known.remember(inbound.from, conversationId, contact);
    return contact;
  }

  /**
   * The contact of a known customer's message: as remembered while their WhatsApp name stays the
   * same (when they last wrote is the conversation's lastInboundAt), else stamped anew.
   */
  async function contactOf(inbound: InboundMessage, customer: KnownCustomer): Promise<ContactView> {
    const name = storedProfileName(inbound.name);
    if (name === undefined || name === customer.contact.profileName) return customer.contact;
    return touchContact(inbound, customer.conversationId);
  }

  /** What a stored message calls for: announce it, or nothing (a duplicate, another phone's id). */
  function triage(
    recorded: RecordInboundResult,
    contactId: string,
  ): { done: InboundOutcome } | { announce: Exclude<RecordInboundResult, { status: "storing" }> } {
    if (recorded.message.contactId !== contactId) {
      // Its id is another phone's (found by the unique index, so before anything else was written).
      logger.warn({ accountId }, "inbound message refused: its id is already stored for another phone");
      return { done: "id-conflict" };
    }
    if (recorded.status === "storing") {
      // The first delivery is still storing it and will announce it (or, if it crashed, the relay).
      logger.debug(
        { accountId, messageId: recorded.message._id },
        "duplicate delivery ignored (first still storing)",
      );
      return { done: "duplicate" };
    }
    if (recorded.status === "duplicate" && !recorded.message.forwardPending) {
      logger.debug({ accountId, messageId: recorded.message._id }, "duplicate delivery ignored");
      return { done: "duplicate" };
    }
    return { announce: recorded };
  }

  /**
   * A customer with a conversation: the message is stored first, so the unique index tells a
   * redelivery, or an id another phone used, apart before anything else is written.
   */
  async function receiveFromKnown(
    inbound: InboundMessage,
    ids: { conversationId: string; contactId: string },
    remembered: KnownCustomer | undefined,
    conversation?: ConversationDoc,
  ): Promise<InboundOutcome> {
    const next = triage(
      await db.messages.recordInbound(toRecord(inbound, ids.conversationId, ids.contactId)),
      ids.contactId,
    );
    if ("done" in next) return next.done;
    const stored = next.announce;
    const contact = remembered
      ? await contactOf(inbound, remembered)
      : await touchContact(inbound, ids.conversationId);
    const current =
      stored.status === "new"
        ? stored.conversation
        : (conversation ?? (await db.conversations.getById(ids.conversationId)));
    if (!current) throw new Error(`conversation ${ids.conversationId} not found`);
    return announce(stored.message, contact, current);
  }

  /** A first message: nothing is written for an id already stored for another phone. */
  async function receiveFromNew(inbound: InboundMessage): Promise<InboundOutcome> {
    if (await storedForAnotherPhone(inbound)) {
      logger.warn({ accountId }, "inbound message refused: its id is already stored for another phone");
      return "id-conflict";
    }
    const contact = await touchContact(inbound);
    const { conversation } = await db.conversations.getOrCreate(
      { accountId, contactId: contact._id, phone: contact.phone },
      { likelyNew: true },
    );
    known.remember(inbound.from, conversation._id, contact);
    // Another phone's id here means both came at once (checked above).
    const next = triage(
      await db.messages.recordInbound(toRecord(inbound, conversation._id, contact._id)),
      contact._id,
    );
    if ("done" in next) return next.done;
    const stored = next.announce;
    return announce(stored.message, contact, stored.status === "new" ? stored.conversation : conversation);
  }

  return {
    async receive(inbound) {
      if (inbound.accountId !== accountId) {
        logger.warn(
          { accountId, messageAccountId: inbound.accountId },
          "message for another account ignored",
        );
        return "foreign-account";
      }
      const problems = inboundMessageProblems(inbound);
      if (problems.length > 0) {
        logger.warn({ accountId, problems }, "inbound message refused: not storable");
        return "invalid";
      }
      const remembered = known.get(inbound.from);
      if (remembered) {
        const ids = { conversationId: remembered.conversationId, contactId: remembered.contact._id };
        return receiveFromKnown(inbound, ids, remembered);
      }
      // Known to MongoDB, maybe not (or no longer) to this process.
      const conversation = await db.conversations.findByPhone(accountId, inbound.from);
      if (!conversation) return receiveFromNew(inbound);
      const ids = { conversationId: conversation._id, contactId: conversation.contactId };
      return receiveFromKnown(inbound, ids, undefined, conversation);
    },

    async announceStored(stored) {
      // A store interrupted before the message got its seq (a crash) is completed first.
      const message = await db.messages.assignInboundSeq(stored);
      const [contact, conversation] = await Promise.all([
        db.contacts.getById(message.contactId),
        db.conversations.getById(message.conversationId),
      ]);
      if (!contact || !conversation) {
        logger.error(
          { accountId, messageId: message._id, error: "contact or conversation missing" },
          "stored message cannot be announced; dropping it from the outbox",
        );
        await db.messages.markForwarded(message._id);
        return "suppressed";
      }
      return announce(message, contact, conversation);
    },
  };
}

/**
 * The transport handler: failures are logged, never thrown (a stored message is retried by the
 * relay). While the database is unreachable the message is stored again, for up to a minute.
 */
export function inboundHandler(pipeline: InboundPipeline, logger: WorkerLogger = silentLogger) {
  return async (message: InboundMessage): Promise<void> => {
    try {
      await retryWhileUnreachable(() => pipeline.receive(message), {
        onRetry: (error) =>
          logger.warn(
            { accountId: message.accountId, error: describeError(error) },
            "database unreachable while storing an inbound message; trying again",
          ),
      });
    } catch (error) {
      if (error instanceof NotAnnouncedError) {
        logger.warn(
          {
            accountId: message.accountId,
            messageId: error.storedMessageId,
            error: describeError(error.cause),
          },
          "inbound message stored but not announced yet; the relay will retry",
        );
      } else {
        // Not stored: WhatsApp does not redeliver, so this message is lost; say so loudly.
        logger.error(
          { accountId: message.accountId, error: describeError(error) },
          "inbound message could not be stored",
        );
      }
    }
  };
}
