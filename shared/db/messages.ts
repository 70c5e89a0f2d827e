// messages: every WhatsApp message in and out, in conversation order (`seq`).
// - Inbound is unique per (account, WhatsApp message id): a message WhatsApp delivers twice is stored
//   once, and the second delivery is reported as a duplicate (E11000 from the unique index) without
//   touching the conversation (its seq counter and lastInboundAt, which the silence timers read).
// - An inbound message is inserted first and given its seq after: until then it has none, and the
//   agent is handed nothing for that conversation (see listUnprocessedInbound), so its watermark can
//   never move past a message whose seq is still to come.
// - Outbound is unique per (account, dedupe key): the message is recorded *before* it is handed to the
//   transport and marked sent after, so a retried step never sends it twice.
import type { AnyBulkWriteOperation, Collection, Db } from "mongodb";
import { MongoBulkWriteError } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import { accountIdSchema } from "../domain/account-id.js";
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import type { ConversationDoc, ConversationsRepo } from "./conversations.js";
import { DUPLICATE_KEY, isDuplicateKeyError } from "./errors.js";
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
  /** A staff member's reply from the Slack handoff thread. */
  "staff",
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
  /**
   * Position in the conversation (see conversations.lastSeq); gaps are possible, order is not broken.
   * Inbound: absent for the moment between the insert and the seq assignment (or, after a crash there,
   * until assignInboundSeq completes it); the repository's reads say where that can be seen.
   */
  seq: number;
  kind: MessageKind;
  /** Exactly what was written; never interpreted (a '{"$gt": ""}' message is this string). */
  text: string;
  /** Inbound: WhatsApp's id. Outbound: the id the transport returned once sent. */
  waMessageId?: string;
  /** Outbound only: the sender's idempotency key (e.g. "nudge:<conversationId>:<episode>:1"). */
  dedupeKey?: string;
  origin?: OutboundOrigin;
  /** Outbound by a person (origin "staff"): who wrote it, e.g. a Slack user id. */
  author?: string;
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

/** How far below the watermark and history window a turn's one query reaches, to absorb seq gaps. */
const TURN_HISTORY_SLACK = 10;

/** Longest WhatsApp message id stored (whatsapp-web.js serialized ids are well under 100). */
export const MAX_WA_MESSAGE_ID = 200;

const idSchema = z.string().min(1).max(64);
const waMessageIdSchema = z.string().min(1).max(MAX_WA_MESSAGE_ID);
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
    author: z.string().min(1).max(64).optional(),
  })
  .strict();
export type ReserveOutboundInput = z.input<typeof outboundSchema>;

const outboundBatchSchema = z
  .object({
    accountId: accountIdSchema,
    conversationId: idSchema,
    contactId: idSchema,
    origin: z.enum(OUTBOUND_ORIGINS),
    author: z.string().min(1).max(64).optional(),
    /** The first of the consecutive seqs reserved for the batch (conversations.reserveOutboundSeqs). */
    firstSeq: z.number().int().positive(),
    messages: z
      .array(z.object({ dedupeKey: dedupeKeySchema, text: textSchema.min(1) }).strict())
      .min(1)
      .max(50),
  })
  .strict()
  .refine((b) => new Set(b.messages.map((m) => m.dedupeKey)).size === b.messages.length, {
    message: "dedupe keys must differ within a batch",
  });
export type ReserveOutboundBatchInput = z.input<typeof outboundBatchSchema>;

/** One message of a batch: recorded now, or its key was recorded before (resolve it with reserveOutbound). */
export type ReserveOutboundBatchItem = { outcome: "reserved"; message: MessageDoc } | { outcome: "taken" };

const settleSchema = z
  .object({
    sent: z.array(z.object({ messageId: idSchema, waMessageId: waMessageIdSchema.optional() }).strict()),
    failed: z.object({ messageId: idSchema, error: z.string() }).strict().optional(),
    unsent: z.array(idSchema),
  })
  .strict();
export type SettleOutboundInput = z.input<typeof settleSchema>;

export type RecordInboundResult =
  /** `conversation`: as it is right after the message took its seq (mode, opt-out, lastSeq). */
  | { status: "new"; message: MessageDoc; conversation: ConversationDoc }
  | { status: "duplicate"; message: MessageDoc }
  /** A concurrent first delivery is still storing it (no seq yet); that delivery announces it. */
  | { status: "storing"; message: Omit<MessageDoc, "seq"> & { seq?: undefined } };

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
  /** Stores a customer message once; a new one gets its seq and stamps the conversation's lastInboundAt. */
  recordInbound(input: RecordInboundInput): Promise<RecordInboundResult>;
  /**
   * The stored inbound message with its seq, giving it one first if its store was interrupted between
   * the insert and the seq (a crash); a message that has one is returned as is.
   */
  assignInboundSeq(message: MessageDoc): Promise<MessageDoc>;
  reserveOutbound(input: ReserveOutboundInput): Promise<ReserveOutboundResult>;
  /**
   * Records several outbound messages of one conversation (in order, with consecutive seqs from
   * `firstSeq`) before they are handed to the transport, in one insert. A key recorded before (a
   * retried step) is reported `taken`; reserveOutbound tells its state when its turn comes.
   */
  reserveOutboundBatch(input: ReserveOutboundBatchInput): Promise<ReserveOutboundBatchItem[]>;
  /**
   * What became of a batch, in one write: `sent` pending → sent (with the transport's id); `failed`
   * pending → failed (it may be retried); `unsent` (reserved but never handed to the transport,
   * since an earlier one failed) removed, so a retry records them afresh.
   */
  settleOutbound(input: SettleOutboundInput): Promise<void>;
  /** pending → sent; false if it was not pending (already sent, or unknown id). */
  markSent(messageId: string, waMessageId?: string): Promise<{ ok: boolean }>;
  /** pending → failed, so the next reserveOutbound with the same key may retry it. */
  markFailed(messageId: string, error: string): Promise<{ ok: boolean }>;
  /** Clears the inbound outbox flag; false if it was already clear. */
  markForwarded(messageId: string): Promise<{ ok: boolean }>;
  /**
   * Inbound messages of the account still waiting to be announced, stored at or before `storedBefore`,
   * oldest first. One interrupted before its seq has none: pass it through assignInboundSeq.
   */
  listForwardPending(accountId: string, storedBefore: Date, limit: number): Promise<MessageDoc[]>;
  getByDedupeKey(accountId: string, dedupeKey: string): Promise<MessageDoc | null>;
  /** The outbound messages recorded under these keys (any order; keys never recorded are absent). */
  listByDedupeKeys(accountId: string, dedupeKeys: string[]): Promise<MessageDoc[]>;
  /** The stored inbound message with this WhatsApp id (seq or not), or null. */
  findInbound(accountId: string, waMessageId: string): Promise<MessageDoc | null>;
  /**
   * Inbound messages after the conversation's watermark, oldest first (what the agent has not handled).
   * Empty while a message of the conversation is still waiting for its seq: its own announcement
   * comes once it has one, and the next turn takes it with the others in order.
   */
  listUnprocessedInbound(conversationId: string): Promise<MessageDoc[]>;
  /** The last `limit` messages (both directions) that have a seq, oldest first: the brain's history window. */
  listRecent(conversationId: string, limit: number): Promise<MessageDoc[]>;
  /**
   * What an agent turn reads, usually in one query: `unprocessed` as listUnprocessedInbound (given
   * the watermark the caller read with the conversation) and `recent` as listRecent(window).
   */
  listTurnMessages(
    conversationId: string,
    processedSeq: number,
    window: number,
  ): Promise<{ unprocessed: MessageDoc[]; recent: MessageDoc[] }>;
}

export function messagesRepo(db: Db, conversations: ConversationsRepo): MessagesRepo {
  const messages: Collection<MessageDoc> = db.collection<MessageDoc>(COLLECTIONS.messages);

  async function findOutbound(accountId: string, dedupeKey: string): Promise<MessageDoc | null> {
    return messages.findOne({ accountId, direction: "out", dedupeKey });
  }

  async function listRecent(conversationId: string, limit: number): Promise<MessageDoc[]> {
    const id = parseInput("messages.listRecent", idSchema, conversationId);
    const n = parseInput("messages.listRecent", z.number().int().min(1).max(500), limit);
    const newestFirst = await messages
      .find({ conversationId: id, seq: { $exists: true } })
      .sort({ seq: -1 })
      .limit(n)
      .toArray();
    return newestFirst.reverse();
  }

  /**
   * Gives a stored inbound message without a seq its seq once (a concurrent caller's seq is left as
   * a harmless gap), with the conversation as that left it.
   */
  async function takeSeq(
    message: MessageDoc,
  ): Promise<{ message: MessageDoc; conversation: ConversationDoc }> {
    // Stamps lastInboundAt too: this is the moment the message counts for the conversation.
    const conversation = await conversations.takeInboundSeq(message.conversationId);
    const updated = await messages.findOneAndUpdate(
      { _id: message._id, direction: "in", seq: { $exists: false } },
      { $set: { seq: conversation.lastSeq } },
      { returnDocument: "after" },
    );
    if (updated) return { message: updated, conversation };
    const current = await messages.findOne({ _id: message._id });
    if (!current) throw new Error(`messages.assignInboundSeq: message ${message._id} not found`);
    return { message: current, conversation };
  }

  async function assignInboundSeq(message: MessageDoc): Promise<MessageDoc> {
    if (typeof message.seq === "number") return message;
    return (await takeSeq(message)).message;
  }

  return {
    async recordInbound(raw) {
      const input = parseInput("messages.recordInbound", inboundSchema, raw);
      // Inserted without a seq: the unique index tells a redelivery apart before the conversation is
      // touched, and the seq is only taken for a new message (see assignInboundSeq).
      const pending: Omit<MessageDoc, "seq"> = {
        _id: newId("msg"),
        accountId: input.accountId,
        conversationId: input.conversationId,
        contactId: input.contactId,
        direction: "in",
        kind: input.kind,
        text: input.text,
        waMessageId: input.waMessageId,
        status: "received",
        forwardPending: true,
        at: clock.now(),
        ...(input.waTimestamp ? { waTimestamp: input.waTimestamp } : {}),
      };
      try {
        // The seq is set right after; the cast only covers that moment.
        await messages.insertOne(pending as MessageDoc);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const existing = await messages.findOne({
          accountId: input.accountId,
          direction: "in",
          waMessageId: input.waMessageId,
        });
        if (!existing) throw error;
        // Never touches the conversation. A first delivery interrupted before its seq (a crash) is
        // completed by the gateway's relay, which re-announces it.
        if (typeof existing.seq === "number") return { status: "duplicate", message: existing };
        const { seq: _none, ...storing } = existing;
        return { status: "storing", message: storing };
      }
      return { status: "new", ...(await takeSeq(pending as MessageDoc)) };
    },

    assignInboundSeq,

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
          ...(input.author ? { author: input.author } : {}),
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

    async reserveOutboundBatch(raw) {
      const input = parseInput("messages.reserveOutboundBatch", outboundBatchSchema, raw);
      const now = clock.now();
      const docs: MessageDoc[] = input.messages.map((m, index) => ({
        _id: newId("msg"),
        accountId: input.accountId,
        conversationId: input.conversationId,
        contactId: input.contactId,
        direction: "out",
        seq: input.firstSeq + index,
        kind: "text",
        text: m.text,
        dedupeKey: m.dedupeKey,
        origin: input.origin,
        ...(input.author ? { author: input.author } : {}),
        status: "pending",
        attempts: 1,
        at: now,
        lastAttemptAt: now,
      }));
      const taken = new Set<number>();
      try {
        // Unordered: a key recorded before fails alone (E11000) and the others are still recorded.
        await messages.insertMany(docs, { ordered: false });
      } catch (error) {
        if (!(error instanceof MongoBulkWriteError)) throw error;
        const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
        if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
        for (const e of writeErrors) taken.add(e.index);
      }
      return docs.map((message, index) =>
        taken.has(index) ? { outcome: "taken" as const } : { outcome: "reserved" as const, message },
      );
    },

    async settleOutbound(raw) {
      const input = parseInput("messages.settleOutbound", settleSchema, raw);
      const now = clock.now();
      const operations: AnyBulkWriteOperation<MessageDoc>[] = [
        ...input.sent.map(({ messageId, waMessageId }) => ({
          updateOne: {
            filter: { _id: messageId, direction: "out" as const, status: "pending" as const },
            update: {
              $set: { status: "sent" as const, sentAt: now, ...(waMessageId ? { waMessageId } : {}) },
              $unset: { lastError: "" as const },
            },
          },
        })),
        ...(input.failed
          ? [
              {
                updateOne: {
                  filter: {
                    _id: input.failed.messageId,
                    direction: "out" as const,
                    status: "pending" as const,
                  },
                  update: {
                    $set: { status: "failed" as const, lastError: input.failed.error.slice(0, 500) },
                  },
                },
              },
            ]
          : []),
        ...(input.unsent.length > 0
          ? [
              {
                deleteMany: {
                  filter: {
                    _id: { $in: input.unsent },
                    direction: "out" as const,
                    status: "pending" as const,
                  },
                },
              },
            ]
          : []),
      ];
      if (operations.length > 0) await messages.bulkWrite(operations, { ordered: false });
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

    async listByDedupeKeys(accountId, dedupeKeys) {
      const account = parseInput("messages.listByDedupeKeys", accountIdSchema, accountId);
      const keys = parseInput("messages.listByDedupeKeys", z.array(dedupeKeySchema).max(50), dedupeKeys);
      if (keys.length === 0) return [];
      return messages.find({ accountId: account, direction: "out", dedupeKey: { $in: keys } }).toArray();
    },

    async findInbound(accountId, waMessageId) {
      return messages.findOne({
        accountId: parseInput("messages.findInbound", accountIdSchema, accountId),
        direction: "in",
        waMessageId: parseInput("messages.findInbound", waMessageIdSchema, waMessageId),
      });
    },

    async listUnprocessedInbound(conversationId) {
      const id = parseInput("messages.listUnprocessedInbound", idSchema, conversationId);
      const conversation = await conversations.getById(id);
      if (!conversation) return [];
      // One query, so a message is seen either still without its seq or with it, never neither.
      const found = await messages
        .find({
          conversationId: id,
          direction: "in",
          $or: [{ seq: { $gt: conversation.processedSeq } }, { seq: { $exists: false } }],
        })
        .sort({ seq: 1 })
        .toArray();
      // A message without a seq yet may get one below those listed here: handing out the others now
      // could move the watermark past it. It is announced once it has its seq; that turn takes all.
      return found.some((m) => typeof m.seq !== "number") ? [] : found;
    },

    async listTurnMessages(conversationId, processedSeqRaw, windowRaw) {
      const id = parseInput("messages.listTurnMessages", idSchema, conversationId);
      const processedSeq = parseInput(
        "messages.listTurnMessages",
        z.number().int().nonnegative(),
        processedSeqRaw,
      );
      const window = parseInput("messages.listTurnMessages", z.number().int().min(1).max(500), windowRaw);
      // Everything above a floor some way below the watermark: the new messages, and the history
      // unless gaps in the seqs thin it out (then the history is read on its own). A message still
      // without its seq is in the same query, so it is seen either without one or with it.
      const floor = Math.max(0, processedSeq - window - TURN_HISTORY_SLACK);
      const found = await messages
        .find({
          conversationId: id,
          $or: [{ seq: { $gt: floor } }, { direction: "in", seq: { $exists: false } }],
        })
        .sort({ seq: 1 })
        .toArray();
      // As listUnprocessedInbound: nothing while a message waits for a seq that may come below these.
      if (found.some((m) => typeof m.seq !== "number")) return { unprocessed: [], recent: [] };
      const unprocessed = found.filter((m) => m.direction === "in" && m.seq > processedSeq);
      if (unprocessed.length === 0) return { unprocessed, recent: [] };
      const recent =
        found.length >= window || floor === 0 ? found.slice(-window) : await listRecent(id, window);
      return { unprocessed, recent };
    },

    listRecent,
  };
}
