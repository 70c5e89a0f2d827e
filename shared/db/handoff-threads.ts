// handoff_threads: one document per handoff episode of a conversation (a person took it over), with
// the Slack card that mirrors it. `_id` is "<conversationId>:<episode>", so a repeated announcement
// of the same handoff finds the same document and the card is posted once.
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { accountIdSchema } from "../domain/account-id.js";
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import type { SlackMessageRef } from "./orders.js";
import { parseInput } from "./validate.js";

export interface HandoffThreadDoc {
  _id: string;
  accountId: string;
  conversationId: string;
  contactId: string;
  episode: number;
  startedAt: Date;
  /** Why a person took over: a handoff reason ("customer-asked", "cost-cap"...) or "paused". */
  reason?: string;
  summary?: string;
  /** Slack user who paused the conversation with /bot pause. */
  pausedBy?: string;
  /** The card; its thread mirrors the conversation. */
  card?: SlackMessageRef;
  /** The previous episode's card, linked from this one. */
  previous?: SlackMessageRef;
  lastStaffReplyAt?: Date;
  resumed?: { by: string; at: Date; auto: boolean };
}

export const handoffThreadIndexes: CollectionIndexes = {
  collection: COLLECTIONS.handoffThreads,
  indexes: [
    { name: "card_thread", key: { "card.channel": 1, "card.ts": 1 } },
    { name: "conversation_episode", key: { conversationId: 1, episode: -1 } },
    { name: "started_at", key: { startedAt: 1 } },
  ],
};

const id = z.string().min(1).max(200);
const refSchema = z.object({ channel: z.string().min(1).max(80), ts: z.string().min(1).max(40) }).strict();
const openSchema = z
  .object({
    accountId: accountIdSchema,
    conversationId: id,
    contactId: id,
    episode: z.number().int().nonnegative(),
    startedAt: z.date(),
  })
  .strict();

export function handoffThreadId(conversationId: string, episode: number): string {
  return `${conversationId}:${episode}`;
}

export interface HandoffThreadsRepo {
  /** The episode's document, created the first time. */
  open(input: z.input<typeof openSchema>): Promise<HandoffThreadDoc>;
  get(threadId: string): Promise<HandoffThreadDoc | null>;
  setReason(threadId: string, facts: { reason: string; summary?: string; pausedBy?: string }): Promise<void>;
  /** Records the posted card; false when one was already recorded. */
  attachCard(threadId: string, card: SlackMessageRef, previous?: SlackMessageRef): Promise<boolean>;
  findByCard(card: SlackMessageRef): Promise<HandoffThreadDoc | null>;
  /** The latest earlier episode of the conversation that has a card. */
  previousWithCard(conversationId: string, episode: number): Promise<HandoffThreadDoc | null>;
  noteStaffReply(threadId: string, at: Date): Promise<void>;
  /** Marks the episode resumed; null when it already was (the first resume wins). */
  markResumed(
    threadId: string,
    resumed: { by: string; at: Date; auto: boolean },
  ): Promise<HandoffThreadDoc | null>;
  /** Episodes not resumed yet, oldest first. */
  listOpen(limit: number): Promise<HandoffThreadDoc[]>;
  countStarted(from: Date, to: Date): Promise<number>;
}

export function handoffThreadsRepo(db: Db): HandoffThreadsRepo {
  const threads: Collection<HandoffThreadDoc> = db.collection<HandoffThreadDoc>(COLLECTIONS.handoffThreads);
  return {
    async open(raw) {
      const input = parseInput("handoffThreads.open", openSchema, raw);
      const _id = handoffThreadId(input.conversationId, input.episode);
      const doc = await threads.findOneAndUpdate(
        { _id },
        { $setOnInsert: input },
        { upsert: true, returnDocument: "after" },
      );
      if (!doc) throw new Error(`handoff thread ${_id} could not be stored`);
      return doc;
    },
    get: (threadId) => threads.findOne({ _id: parseInput("handoffThreads.get", id, threadId) }),
    async setReason(threadId, facts) {
      const input = parseInput(
        "handoffThreads.setReason",
        z
          .object({
            reason: z.string().min(1).max(64),
            summary: z.string().max(1_000).optional(),
            pausedBy: z.string().max(64).optional(),
          })
          .strict(),
        facts,
      );
      await threads.updateOne({ _id: threadId }, { $set: input });
    },
    async attachCard(threadId, card, previous) {
      const set = {
        card: parseInput("handoffThreads.attachCard", refSchema, card),
        ...(previous ? { previous: parseInput("handoffThreads.attachCard", refSchema, previous) } : {}),
      };
      const result = await threads.updateOne({ _id: threadId, card: { $exists: false } }, { $set: set });
      return result.modifiedCount === 1;
    },
    findByCard(card) {
      const ref = parseInput("handoffThreads.findByCard", refSchema, card);
      return threads.findOne({ "card.channel": ref.channel, "card.ts": ref.ts });
    },
    previousWithCard(conversationId, episode) {
      return threads.findOne(
        {
          conversationId: parseInput("handoffThreads.previous", id, conversationId),
          episode: { $lt: episode },
          card: { $exists: true },
        },
        { sort: { episode: -1 } },
      );
    },
    async noteStaffReply(threadId, at) {
      await threads.updateOne({ _id: threadId }, { $max: { lastStaffReplyAt: at } });
    },
    markResumed(threadId, resumed) {
      return threads.findOneAndUpdate(
        { _id: threadId, resumed: { $exists: false } },
        { $set: { resumed } },
        { returnDocument: "after" },
      );
    },
    listOpen(limit) {
      return threads.find({ resumed: { $exists: false } }, { sort: { startedAt: 1 }, limit }).toArray();
    },
    countStarted(from, to) {
      return threads.countDocuments({ startedAt: { $gte: from, $lt: to } });
    },
  };
}
