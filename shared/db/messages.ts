// messages: every WhatsApp message in and out, in conversation order (`seq`).
// - Inbound is unique per (account, WhatsApp message id): a message WhatsApp delivers twice is stored
//   once, and the second delivery is reported as a duplicate (E11000 from the unique index).
// - Outbound is unique per (account, dedupe key): the message is recorded *before* it is handed to the
//   transport and marked sent after, so a retried step never sends it twice.
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import { accountIdSchema } from "./accounts.js";
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import type { ConversationsRepo } from "./conversations.js";
import { isDuplicateKeyError } from "./errors.js";
import { newId } from "./ids.js";
import { parseInput } from "./validate.js";
import { MESSAGE_KINDS, type MessageKind } from "../domain/message-kinds.js";

export const OUTBOUND_ORIGINS = [
  "agent",
  "nudge",
  "promos",
  "automation",
  "order_notification",
  "system",
] as const;
export type OutboundOrigin = (typeof OUTBOUND_ORIGINS)[number];

/** Inbound messages are "received"; outbound go pending → sent | failed (failed may be retried). */
export type MessageStatus = "received" | "pending" | "sent" | "failed";

/** Longest text stored; the gateway cuts customer text at 4,096 characters with a marker. */
export const MAX_MESSAGE_TEXT = 5_000;

export interface MessageDoc {
  _id: string;
  accountId: string;
  conversationId: string;
  contactId: string;
  direction: "in" | "out";
  /** Position in the conversation (see conversations.lastSeq); gaps are possible, order is not broken. */
  seq: number;
  kind: MessageKind;
  /** Exactly what was written; never interpreted (a '{"$gt": ""}' message is this string). */
  text: string;
  /** Inbound: WhatsApp's id. Outbound: the id the transport returned once sent. */
  waMessageId?: string;
  /** Outbound only: the sender's idempotency key (e.g. "nudge:<conversationId>:<episode>:1"). */
  dedupeKey?: string;
  origin?: OutboundOrigin;
  status: MessageStatus;
  /** Outbound: how many times it was handed to the transport. */
  attempts?: number;
  /** Outbound: when the current attempt was claimed (tells a crashed attempt from one in progress). */
  lastAttemptAt?: Date;
  /**
   * Inbound outbox flag: true from the insert until the gateway has announced the message (sent its
   * event, or decided it needs none). A message still pending after a crash or an engine outage is
   * announced again (same event id, so the engine keeps one).
   */
  forwardPending?: boolean;
  lastError?: string;
  /** When we stored it (received, or reserved for sending). */
  at: Date;
  /** Inbound: WhatsApp's own timestamp when known. */
  waTimestamp?: Date;
  sentAt?: Date;
}

export const messageIndexes: CollectionIndexes = {
  collection: COLLECTIONS.messages,
  indexes: [
    {
      name: "inbound_wa_id_unique",
      key: { accountId: 1, waMessageId: 1 },
      unique: true,
      partialFilterExpression: { direction: "in" },
    },
    {
      name: "outbound_dedupe_key_unique",
      key: { accountId: 1, dedupeKey: 1 },
      unique: true,
      partialFilterExpression: { direction: "out" },
    },
    { name: "conversation_seq", key: { conversationId: 1, seq: 1 } },
    {
      name: "inbound_forward_pending",
      key: { accountId: 1, at: 1 },
      partialFilterExpression: { forwardPending: true },
    },
  ],
};

const idSchema = z.string().min(1).max(64);
const waMessageIdSchema = z.string().min(1).max(200);
const dedupeKeySchema = z.string().min(1).max(300);
const textSchema = z.string().max(MAX_MESSAGE_TEXT);

const inboundSchema = z
  .object({
    accountId: accountIdSchema,
    conversationId: idSchema,
    contactId: idSchema,
    waMessageId: waMessageIdSchema,
    text: textSchema,
    kind: z.enum(MESSAGE_KINDS).default("text"),
    waTimestamp: z.date().optional(),
  })
  .strict();
export type RecordInboundInput = z.input<typeof inboundSchema>;

const outboundSchema = z
  .object({
    accountId: accountIdSchema,
    conversationId: idSchema,
    contactId: idSchema,
    dedupeKey: dedupeKeySchema,
    text: textSchema.min(1),
    origin: z.enum(OUTBOUND_ORIGINS),
  })
  .strict();
export type ReserveOutboundInput = z.input<typeof outboundSchema>;

export type RecordInboundResult =
  { status: "new"; message: MessageDoc } | { status: "duplicate"; message: MessageDoc };

export type ReserveOutboundResult =
  /** New: hand it to the transport, then markSent / markFailed. */
  | { outcome: "reserved"; message: MessageDoc }
  /** An earlier attempt failed; this caller now owns a new attempt (attempts + 1). */
  | { outcome: "retry"; message: MessageDoc }
  /** Already delivered: do not send again. */
  | { outcome: "already_sent"; message: MessageDoc }
  /** An earlier attempt is pending with an unknown result (e.g. the process died mid-send). */
  | { outcome: "in_flight"; message: MessageDoc };

export interface MessagesRepo {
  recordInbound(input: RecordInboundInput): Promise<RecordInboundResult>;
  reserveOutbound(input: ReserveOutboundInput): Promise<ReserveOutboundResult>;
  /** pending → sent; false if it was not pending (already sent, or unknown id). */
  markSent(messageId: string, waMessageId?: string): Promise<{ ok: boolean }>;
  /** pending → failed, so the next reserveOutbound with the same key may retry it. */
  markFailed(messageId: string, error: string): Promise<{ ok: boolean }>;
  /** Clears the inbound outbox flag; false if it was already clear. */
  markForwarded(messageId: string): Promise<{ ok: boolean }>;
  /** Inbound messages of the account still waiting to be announced, stored at or before `storedBefore`, oldest first. */
  listForwardPending(accountId: string, storedBefore: Date, limit: number): Promise<MessageDoc[]>;
  getByDedupeKey(accountId: string, dedupeKey: string): Promise<MessageDoc | null>;
  /** Inbound messages after the conversation's watermark, oldest first (what the agent has not handled). */
  listUnprocessedInbound(conversationId: string): Promise<MessageDoc[]>;
  /** The last `limit` messages (both directions), oldest first: the history window for the brain. */
  listRecent(conversationId: string, limit: number): Promise<MessageDoc[]>;
}

export function messagesRepo(db: Db, conversations: ConversationsRepo): MessagesRepo {
  const messages: Collection<MessageDoc> = db.collection<MessageDoc>(COLLECTIONS.messages);

  async function findOutbound(accountId: string, dedupeKey: string): Promise<MessageDoc | null> {
    return messages.findOne({ accountId, direction: "out", dedupeKey });
  }

  return {
    async recordInbound(raw) {
      const input = parseInput("messages.recordInbound", inboundSchema, raw);
      // The seq is reserved before the insert; a duplicate leaves a gap, which is harmless.
      const seq = await conversations.nextMessageSeq(input.conversationId, "in");
      const message: MessageDoc = {
        _id: newId("msg"),
        accountId: input.accountId,
        conversationId: input.conversationId,
        contactId: input.contactId,
        direction: "in",
        seq,
        kind: input.kind,
        text: input.text,
        waMessageId: input.waMessageId,
        status: "received",
        forwardPending: true,
        at: clock.now(),
        ...(input.waTimestamp ? { waTimestamp: input.waTimestamp } : {}),
      };
      try {
        await messages.insertOne(message);
        return { status: "new", message };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const existing = await messages.findOne({
          accountId: input.accountId,
          direction: "in",
          waMessageId: input.waMessageId,
        });
        if (!existing) throw error;
        return { status: "duplicate", message: existing };
      }
    },

    async reserveOutbound(raw) {
      const input = parseInput("messages.reserveOutbound", outboundSchema, raw);
      const existing = await findOutbound(input.accountId, input.dedupeKey);
      if (!existing) {
        const seq = await conversations.nextMessageSeq(input.conversationId, "out");
        const message: MessageDoc = {
          _id: newId("msg"),
          accountId: input.accountId,
          conversationId: input.conversationId,
          contactId: input.contactId,
          direction: "out",
          seq,
          kind: "text",
          text: input.text,
          dedupeKey: input.dedupeKey,
          origin: input.origin,
          status: "pending",
          attempts: 1,
          at: clock.now(),
          lastAttemptAt: clock.now(),
        };
        try {
          await messages.insertOne(message);
          return { outcome: "reserved", message };
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          // A concurrent reservation with the same key won; fall through and report its state.
        }
      }
      // Claim a failed attempt atomically, so two retries cannot both send.
      const claimed = await messages.findOneAndUpdate(
        { accountId: input.accountId, direction: "out", dedupeKey: input.dedupeKey, status: "failed" },
        { $set: { status: "pending", lastAttemptAt: clock.now() }, $inc: { attempts: 1 } },
        { returnDocument: "after" },
      );
      if (claimed) return { outcome: "retry", message: claimed };
      const current = await findOutbound(input.accountId, input.dedupeKey);
      if (!current) throw new Error("messages.reserveOutbound: reservation vanished");
      return current.status === "sent"
        ? { outcome: "already_sent", message: current }
        : { outcome: "in_flight", message: current };
    },

    async markSent(messageId, waMessageId) {
      const id = parseInput("messages.markSent", idSchema, messageId);
      const waId =
        waMessageId === undefined
          ? undefined
          : parseInput("messages.markSent", waMessageIdSchema, waMessageId);
      const result = await messages.updateOne(
        { _id: id, direction: "out", status: "pending" },
        {
          $set: { status: "sent", sentAt: clock.now(), ...(waId ? { waMessageId: waId } : {}) },
          $unset: { lastError: "" },
        },
      );
      return { ok: result.modifiedCount === 1 };
    },

    async markFailed(messageId, error) {
      const id = parseInput("messages.markFailed", idSchema, messageId);
      const text = parseInput("messages.markFailed", z.string(), error).slice(0, 500);
      const result = await messages.updateOne(
        { _id: id, direction: "out", status: "pending" },
        { $set: { status: "failed", lastError: text } },
      );
      return { ok: result.modifiedCount === 1 };
    },

    async markForwarded(messageId) {
      const id = parseInput("messages.markForwarded", idSchema, messageId);
      const result = await messages.updateOne(
        { _id: id, direction: "in", forwardPending: true },
        { $unset: { forwardPending: "" } },
      );
      return { ok: result.modifiedCount === 1 };
    },

    async listForwardPending(accountId, storedBefore, limit) {
      const account = parseInput("messages.listForwardPending", accountIdSchema, accountId);
      const before = parseInput("messages.listForwardPending", z.date(), storedBefore);
      const n = parseInput("messages.listForwardPending", z.number().int().min(1).max(500), limit);
      return messages
        .find({ accountId: account, direction: "in", forwardPending: true, at: { $lte: before } })
        .sort({ at: 1, seq: 1 })
        .limit(n)
        .toArray();
    },

    async getByDedupeKey(accountId, dedupeKey) {
      return findOutbound(
        parseInput("messages.getByDedupeKey", accountIdSchema, accountId),
        parseInput("messages.getByDedupeKey", dedupeKeySchema, dedupeKey),
      );
    },

    async listUnprocessedInbound(conversationId) {
      const id = parseInput("messages.listUnprocessedInbound", idSchema, conversationId);
      const conversation = await conversations.getById(id);
      if (!conversation) return [];
      return messages
        .find({ conversationId: id, direction: "in", seq: { $gt: conversation.processedSeq } })
        .sort({ seq: 1 })
        .toArray();
    },

    async listRecent(conversationId, limit) {
      const id = parseInput("messages.listRecent", idSchema, conversationId);
      const n = parseInput("messages.listRecent", z.number().int().min(1).max(500), limit);
      const newestFirst = await messages.find({ conversationId: id }).sort({ seq: -1 }).limit(n).toArray();
      return newestFirst.reverse();
    },
  };
}
