// conversations: one per contact per WhatsApp account. Holds the agent's state: mode, collected data,
// order draft, the watermark of processed messages, token usage and cost, nudge counts, opt-out.
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import type { CollectedField, CollectedFields, ConversationMode, NudgeKind } from "../domain/conversation.js";
import {
  canChangeMode,
  conversationModeSchema,
  e164Schema,
  nudgeKindSchema,
  validateCollectedPatch,
} from "../domain/conversation.js";
import type { OrderSelectionLine } from "../domain/pricing.js";
import { orderSelectionSchema } from "../domain/pricing.js";
import { accountIdSchema } from "../domain/account-id.js";
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import { isDuplicateKeyError } from "./errors.js";
import { newId } from "./ids.js";
import { parseInput } from "./validate.js";

export interface ConversationUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Millionths of a US dollar (model prices are quoted in USD per million tokens). */
  costMicroUsd: number;
  /** Day (caller's business timezone, "YYYY-MM-DD") that `dayCostMicroUsd` counts. */
  day?: string;
  dayCostMicroUsd: number;
  /** The last turn (agent watermark) counted: a retried record-usage step of that turn adds nothing. */
  lastTurn?: number;
}

/** usage_daily: the model usage of one business day ("YYYY-MM-DD"), over every conversation. */
export interface UsageDailyDoc extends Omit<ConversationUsage, "day" | "dayCostMicroUsd" | "lastTurn"> {
  _id: string;
}

export interface ConversationDoc {
  _id: string;
  accountId: string;
  contactId: string;
  /** The customer's WhatsApp number (E.164): where replies go. */
  phone: string;
  mode: ConversationMode;
  /** +1 on every mode change: timers and automatic orders key their idempotency on it. */
  episode: number;
  modeChangedAt: Date;
  optedOut: boolean;
  optedOutAt?: Date;
  /** Mode to return to when the customer opts back in. */
  modeBeforeOptOut?: ConversationMode;
  collected: Partial<CollectedFields>;
  orderDraft?: { lines: OrderSelectionLine[]; updatedAt: Date };
  /** Sequence number of the last message (in or out) stored for this conversation. */
  lastSeq: number;
  /** Watermark: every inbound message with seq <= processedSeq has been handled by the agent. */
  processedSeq: number;
  processedAt?: Date;
  lastInboundAt?: Date;
  lastOutboundAt?: Date;
  usage: ConversationUsage;
  /** Proactive nudges sent in the current mode, per kind (reset on every mode change). */
  nudges: Partial<Record<NudgeKind, number>>;
  createdAt: Date;
  updatedAt: Date;
}

export const conversationIndexes: CollectionIndexes = {
  collection: COLLECTIONS.conversations,
  indexes: [
    { name: "account_contact_unique", key: { accountId: 1, contactId: 1 }, unique: true },
    { name: "account_phone", key: { accountId: 1, phone: 1 } },
    // Sweeps ("who is waiting in mode X since when").
    { name: "account_mode_changed", key: { accountId: 1, mode: 1, modeChangedAt: 1 } },
  ],
};

const idSchema = z.string().min(1).max(64);
const getOrCreateSchema = z
  .object({ accountId: accountIdSchema, contactId: idSchema, phone: e164Schema })
  .strict();
export type GetOrCreateConversationInput = z.input<typeof getOrCreateSchema>;

const reserveSeqsExpectedSchema = z
  .object({
    accountId: accountIdSchema,
    to: z.string().min(1).max(64),
    evenIfOptedOut: z.boolean().optional(),
  })
  .strict();

const usageSchema = z
  .object({
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    cacheReadTokens: z.number().int().nonnegative().default(0),
    cacheWriteTokens: z.number().int().nonnegative().default(0),
  })
  .strict();
export type TokenUsageInput = z.input<typeof usageSchema>;
const costSchema = z
  .object({
    costMicroUsd: z.number().int().nonnegative(),
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "day as YYYY-MM-DD"),
  })
  .strict();

export type SetModeResult =
  | { ok: true; conversation: ConversationDoc }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "invalid_transition"; from: ConversationMode; to: ConversationMode }
  /** Someone else changed the mode first; nothing was written. */
  | { ok: false; reason: "mode_changed"; current: ConversationMode };

export type NudgeResult =
  | { ok: true; count: number }
  | { ok: false; reason: "limit_reached"; count: number }
  | { ok: false; reason: "not_found" };

export interface ConversationsRepo {
  /** `likelyNew`: the caller just found none, so it tries the insert first (one write, no read). */
  getOrCreate(
    input: GetOrCreateConversationInput,
    options?: { likelyNew?: boolean },
  ): Promise<{ conversation: ConversationDoc; created: boolean }>;
  getById(conversationId: string): Promise<ConversationDoc | null>;
  findByPhone(accountId: string, phone: string): Promise<ConversationDoc | null>;
  /** The conversations with this number on every WhatsApp account (Slack staff know the phone, not the account). */
  listByPhone(phone: string): Promise<ConversationDoc[]>;
  /**
   * Changes the mode only if it is still `from` (atomic) and the transition is allowed; with
   * `expectedEpisode`, also only if no other mode change happened since that episode.
   */
  setMode(
    conversationId: string,
    from: ConversationMode,
    to: ConversationMode,
    options?: { expectedEpisode?: number },
  ): Promise<SetModeResult>;
  /** Opt-out from whatever mode; `changed` is false when already opted out. */
  optOut(conversationId: string): Promise<{ changed: boolean; conversation: ConversationDoc | null }>;
  /** Opt back in, returning to the mode the conversation had before opting out. */
  optIn(conversationId: string): Promise<{ changed: boolean; conversation: ConversationDoc | null }>;
  /** Stores the fields that validate; returns those that did not so the agent can re-ask. */
  saveCollected(
    conversationId: string,
    patch: Record<string, unknown>,
  ): Promise<{
    conversation: ConversationDoc | null;
    accepted: CollectedField[];
    rejected: { field: string; error: string }[];
  }>;
  setOrderDraft(conversationId: string, lines: OrderSelectionLine[] | null): Promise<ConversationDoc | null>;
  /** Reserves the next message sequence number and stamps last inbound/outbound time. */
  nextMessageSeq(conversationId: string, direction: "in" | "out"): Promise<number>;
  /** nextMessageSeq for an inbound message, answering the whole conversation as it is now (`lastSeq` is the seq). */
  takeInboundSeq(conversationId: string): Promise<ConversationDoc>;
  /**
   * Reserves `count` consecutive outbound sequence numbers and stamps lastOutboundAt, in one
   * conditional update: only if the conversation is the account's, its phone is `to`, and (unless
   * `evenIfOptedOut`) it is not opted out. Null when one of those does not hold (nothing written):
   * read the conversation to tell which.
   */
  reserveOutboundSeqs(
    conversationId: string,
    count: number,
    expected: { accountId: string; to: string; evenIfOptedOut?: boolean },
  ): Promise<{ firstSeq: number; contactId: string } | null>;
  /** Moves the watermark forward to `seq` (never backwards); `advanced` is false if it already was there. */
  advanceWatermark(conversationId: string, seq: number): Promise<{ advanced: boolean; processedSeq: number }>;
  /**
   * Adds one model call's usage, once per `turn` (the agent's watermark for that turn): a call with a
   * turn not above the last one counted changes nothing and returns the current usage.
   */
  recordUsage(
    conversationId: string,
    usage: TokenUsageInput,
    cost: { costMicroUsd: number; day: string },
    turn: number,
  ): Promise<ConversationUsage | null>;
  /**
   * Counts proactive nudge number `n` (1-based) of `kind` in this mode, unless `n` exceeds `max`
   * (atomic). Counting the same `n` again (a retried step) is ok and counts nothing more.
   */
  recordNudge(conversationId: string, kind: NudgeKind, max: number, n: number): Promise<NudgeResult>;
}

function emptyUsage(): ConversationUsage {
  return {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costMicroUsd: 0,
    dayCostMicroUsd: 0,
  };
}

export function conversationsRepo(db: Db): ConversationsRepo {
  const conversations: Collection<ConversationDoc> = db.collection<ConversationDoc>(
    COLLECTIONS.conversations,
  );

  function fresh(input: z.output<typeof getOrCreateSchema>): ConversationDoc {
    const now = clock.now();
    return {
      _id: newId("cv"),
      accountId: input.accountId,
      contactId: input.contactId,
      phone: input.phone,
      mode: "greeting",
      episode: 0,
      modeChangedAt: now,
      optedOut: false,
      collected: {},
      lastSeq: 0,
      processedSeq: 0,
      usage: emptyUsage(),
      nudges: {},
      createdAt: now,
      updatedAt: now,
    };
  }

  /** The one conditional write behind every mode change: only if the mode is still `from`. */
  async function changeMode(
    id: string,
    from: ConversationMode,
    to: ConversationMode,
    expectedEpisode?: number,
  ): Promise<SetModeResult> {
    const now = clock.now();
    const optOutFields =
      to === "opted_out" ? { optedOut: true, optedOutAt: now, modeBeforeOptOut: from } : {};
    const updated = await conversations.findOneAndUpdate(
      { _id: id, mode: from, ...(expectedEpisode === undefined ? {} : { episode: expectedEpisode }) },
      {
        $set: { mode: to, modeChangedAt: now, updatedAt: now, nudges: {}, ...optOutFields },
        $inc: { episode: 1 },
      },
      { returnDocument: "after" },
    );
    if (updated) return { ok: true, conversation: updated };
    // The loser of the race is told what the mode is now (a newer episode in the same mode counts too).
    const latest = await conversations.findOne({ _id: id }, { projection: { mode: 1 } });
    return latest
      ? { ok: false, reason: "mode_changed", current: latest.mode }
      : { ok: false, reason: "not_found" };
  }

  return {
    async getOrCreate(raw, options = {}) {
      const input = parseInput("conversations.getOrCreate", getOrCreateSchema, raw);
      const key = { accountId: input.accountId, contactId: input.contactId };
      if (!options.likelyNew) {
        const existing = await conversations.findOne(key);
        if (existing) return { conversation: existing, created: false };
      }
      const conversation = fresh(input);
      try {
        await conversations.insertOne(conversation);
        return { conversation, created: true };
      } catch (error) {
        // Two first messages at once: the unique index lets one insert win; the other reads it.
        if (!isDuplicateKeyError(error)) throw error;
        const winner = await conversations.findOne(key);
        if (!winner) throw error;
        return { conversation: winner, created: false };
      }
    },

    async getById(conversationId) {
      return conversations.findOne({ _id: parseInput("conversations.getById", idSchema, conversationId) });
    },

    async findByPhone(accountId, phone) {
      return conversations.findOne({
        accountId: parseInput("conversations.findByPhone", accountIdSchema, accountId),
        phone: parseInput("conversations.findByPhone", e164Schema, phone),
      });
    },

    async listByPhone(phone) {
      return conversations
        .find({ phone: parseInput("conversations.listByPhone", e164Schema, phone) })
        .sort({ accountId: 1 })
        .limit(50)
        .toArray();
    },

    async setMode(conversationId, fromRaw, toRaw, options = {}) {
      const id = parseInput("conversations.setMode", idSchema, conversationId);
      const from = parseInput("conversations.setMode", conversationModeSchema, fromRaw);
      const to = parseInput("conversations.setMode", conversationModeSchema, toRaw);
      const episode = parseInput(
        "conversations.setMode",
        z.number().int().nonnegative().optional(),
        options.expectedEpisode,
      );
      if (!canChangeMode(from, to)) return { ok: false, reason: "invalid_transition", from, to };
      return changeMode(id, from, to, episode);
    },

    async optOut(conversationId) {
      const id = parseInput("conversations.optOut", idSchema, conversationId);
      // Retry on a concurrent mode change: opting out must win whatever the agent is doing.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const current = await conversations.findOne({ _id: id });
        if (!current) return { changed: false, conversation: null };
        if (current.optedOut) return { changed: false, conversation: current };
        const result = await changeMode(id, current.mode, "opted_out");
        if (result.ok) return { changed: true, conversation: result.conversation };
      }
      throw new Error("conversations.optOut: mode kept changing, gave up after 5 attempts");
    },

    async optIn(conversationId) {
      const id = parseInput("conversations.optIn", idSchema, conversationId);
      const current = await conversations.findOne({ _id: id });
      if (!current) return { changed: false, conversation: null };
      if (!current.optedOut) return { changed: false, conversation: current };
      const now = clock.now();
      const updated = await conversations.findOneAndUpdate(
        { _id: id, optedOut: true },
        {
          $set: {
            optedOut: false,
            mode: current.modeBeforeOptOut ?? "greeting",
            modeChangedAt: now,
            updatedAt: now,
            nudges: {},
          },
          $unset: { optedOutAt: "", modeBeforeOptOut: "" },
          $inc: { episode: 1 },
        },
        { returnDocument: "after" },
      );
      return updated
        ? { changed: true, conversation: updated }
        : { changed: false, conversation: await conversations.findOne({ _id: id }) };
    },

    async saveCollected(conversationId, patch) {
      const id = parseInput("conversations.saveCollected", idSchema, conversationId);
      const input = parseInput("conversations.saveCollected", z.record(z.string(), z.unknown()), patch);
      const { accepted, rejected } = validateCollectedPatch(input);
      const fields = Object.keys(accepted) as CollectedField[];
      if (fields.length === 0)
        return { conversation: await conversations.findOne({ _id: id }), accepted: [], rejected };
      // Field names come from the fixed list in the domain, never from the caller's keys.
      const set: Record<string, unknown> = { updatedAt: clock.now() };
      for (const field of fields) set[`collected.${field}`] = accepted[field];
      const conversation = await conversations.findOneAndUpdate(
        { _id: id },
        { $set: set },
        { returnDocument: "after" },
      );
      return { conversation, accepted: fields, rejected };
    },

    async setOrderDraft(conversationId, lines) {
      const id = parseInput("conversations.setOrderDraft", idSchema, conversationId);
      const now = clock.now();
      if (lines === null) {
        return conversations.findOneAndUpdate(
          { _id: id },
          { $unset: { orderDraft: "" }, $set: { updatedAt: now } },
          { returnDocument: "after" },
        );
      }
      const valid = parseInput("conversations.setOrderDraft", orderSelectionSchema, lines);
      return conversations.findOneAndUpdate(
        { _id: id },
        { $set: { orderDraft: { lines: valid, updatedAt: now }, updatedAt: now } },
        { returnDocument: "after" },
      );
    },

    async takeInboundSeq(conversationId) {
      const id = parseInput("conversations.takeInboundSeq", idSchema, conversationId);
      const now = clock.now();
      const updated = await conversations.findOneAndUpdate(
        { _id: id },
        { $inc: { lastSeq: 1 }, $set: { lastInboundAt: now, updatedAt: now } },
        { returnDocument: "after" },
      );
      if (!updated) throw new Error(`conversation ${id} not found`);
      return updated;
    },

    async nextMessageSeq(conversationId, direction) {
      const id = parseInput("conversations.nextMessageSeq", idSchema, conversationId);
      const now = clock.now();
      const stamp = direction === "in" ? { lastInboundAt: now } : { lastOutboundAt: now };
      const updated = await conversations.findOneAndUpdate(
        { _id: id },
        { $inc: { lastSeq: 1 }, $set: { ...stamp, updatedAt: now } },
        { returnDocument: "after", projection: { lastSeq: 1 } },
      );
      if (!updated) throw new Error(`conversation ${id} not found`);
      return updated.lastSeq;
    },

    async reserveOutboundSeqs(conversationId, countRaw, expectedRaw) {
      const id = parseInput("conversations.reserveOutboundSeqs", idSchema, conversationId);
      const count = parseInput(
        "conversations.reserveOutboundSeqs",
        z.number().int().min(1).max(50),
        countRaw,
      );
      const expected = parseInput(
        "conversations.reserveOutboundSeqs",
        reserveSeqsExpectedSchema,
        expectedRaw,
      );
      const now = clock.now();
      const updated = await conversations.findOneAndUpdate(
        {
          _id: id,
          accountId: expected.accountId,
          phone: expected.to,
          ...(expected.evenIfOptedOut ? {} : { optedOut: false }),
        },
        { $inc: { lastSeq: count }, $set: { lastOutboundAt: now, updatedAt: now } },
        { returnDocument: "after", projection: { lastSeq: 1, contactId: 1 } },
      );
      return updated ? { firstSeq: updated.lastSeq - count + 1, contactId: updated.contactId } : null;
    },

    async advanceWatermark(conversationId, seq) {
      const id = parseInput("conversations.advanceWatermark", idSchema, conversationId);
      const target = parseInput("conversations.advanceWatermark", z.number().int().nonnegative(), seq);
      const now = clock.now();
      const updated = await conversations.findOneAndUpdate(
        { _id: id, processedSeq: { $lt: target } },
        { $set: { processedSeq: target, processedAt: now, updatedAt: now } },
        { returnDocument: "after", projection: { processedSeq: 1 } },
      );
      if (updated) return { advanced: true, processedSeq: updated.processedSeq };
      const current = await conversations.findOne({ _id: id }, { projection: { processedSeq: 1 } });
      if (!current) throw new Error(`conversation ${id} not found`);
      return { advanced: false, processedSeq: current.processedSeq };
    },

    async recordUsage(conversationId, usageRaw, costRaw, turnRaw) {
      const id = parseInput("conversations.recordUsage", idSchema, conversationId);
      const usage = parseInput("conversations.recordUsage", usageSchema, usageRaw);
      const cost = parseInput("conversations.recordUsage", costSchema, costRaw);
      const turn = parseInput("conversations.recordUsage", z.number().int().nonnegative(), turnRaw);
      // Only a turn not counted yet writes (a retried step after a successful write finds lastTurn = turn).
      const notCounted = { _id: id, "usage.lastTurn": { $not: { $gte: turn } } };
      // A new day starts the daily counter at zero (only if no one did already), then both counters grow.
      await conversations.updateOne(
        { ...notCounted, "usage.day": { $ne: cost.day } },
        { $set: { "usage.day": cost.day, "usage.dayCostMicroUsd": 0 } },
      );
      const updated = await conversations.findOneAndUpdate(
        notCounted,
        {
          $inc: {
            "usage.calls": 1,
            "usage.inputTokens": usage.inputTokens,
            "usage.outputTokens": usage.outputTokens,
            "usage.cacheReadTokens": usage.cacheReadTokens,
            "usage.cacheWriteTokens": usage.cacheWriteTokens,
            "usage.costMicroUsd": cost.costMicroUsd,
            "usage.dayCostMicroUsd": cost.costMicroUsd,
          },
          $set: { "usage.lastTurn": turn, updatedAt: clock.now() },
        },
        { returnDocument: "after", projection: { usage: 1 } },
      );
      if (updated) {
        // The day's totals for the daily digest (only a call counted just now adds to them).
        await db.collection<UsageDailyDoc>(COLLECTIONS.usageDaily).updateOne(
          { _id: cost.day },
          {
            $inc: {
              calls: 1,
              inputTokens: usage.inputTokens,
              outputTokens: usage.outputTokens,
              cacheReadTokens: usage.cacheReadTokens,
              cacheWriteTokens: usage.cacheWriteTokens,
              costMicroUsd: cost.costMicroUsd,
            },
          },
          { upsert: true },
        );
        return updated.usage;
      }
      const current = await conversations.findOne({ _id: id }, { projection: { usage: 1 } });
      return current?.usage ?? null;
    },

    async recordNudge(conversationId, kindRaw, maxRaw, nRaw) {
      const id = parseInput("conversations.recordNudge", idSchema, conversationId);
      const kind = parseInput("conversations.recordNudge", nudgeKindSchema, kindRaw);
      const max = parseInput("conversations.recordNudge", z.number().int().nonnegative(), maxRaw);
      const n = parseInput("conversations.recordNudge", z.number().int().positive(), nRaw);
      const path = `nudges.${kind}` as const;
      if (n > max) {
        const doc = await conversations.findOne({ _id: id }, { projection: { nudges: 1 } });
        return doc
          ? { ok: false, reason: "limit_reached", count: doc.nudges[kind] ?? 0 }
          : { ok: false, reason: "not_found" };
      }
      // Sets the count to n (not +1): the same nudge counted twice, by a retried step, stays one.
      const updated = await conversations.findOneAndUpdate(
        { _id: id, [path]: { $not: { $gte: n } } },
        { $set: { [path]: n, updatedAt: clock.now() } },
        { returnDocument: "after", projection: { nudges: 1 } },
      );
      if (updated) return { ok: true, count: n };
      const exists = await conversations.findOne({ _id: id }, { projection: { _id: 1 } });
      // Already at n or beyond: this nudge was counted before (the step is being retried).
      return exists ? { ok: true, count: n } : { ok: false, reason: "not_found" };
    },
  };
}
