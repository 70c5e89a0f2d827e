// What automations read and write on contacts beyond tags: the pipeline stage, custom fields, and the
// inactivity scan's query. Each write is one conditional update that reports whether anything
// changed, so an action that changes nothing emits no event (and so cannot feed a loop).
import type { Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import { customFieldSchema, stageNameSchema } from "../domain/automations.js";
import { accountIdSchema } from "../domain/account-id.js";
import { COLLECTIONS } from "./collections.js";
import type { ContactDoc } from "./contacts.js";
import type { ConversationDoc } from "./conversations.js";
import { parseInput } from "./validate.js";

const idSchema = z.string().min(1).max(64);

export type StageChange = { changed: false } | { changed: true; from: string | null };

/** Moves the contact to `stage` of `pipeline`; `from` is the previous stage in that pipeline. */
export async function setContactStage(
  db: Db,
  contactId: string,
  pipelineRaw: string,
  stageRaw: string,
): Promise<StageChange> {
  const id = parseInput("contacts.setStage", idSchema, contactId);
  const pipeline = parseInput("contacts.setStage", stageNameSchema, pipelineRaw);
  const stage = parseInput("contacts.setStage", stageNameSchema, stageRaw);
  const before = await db
    .collection<ContactDoc>(COLLECTIONS.contacts)
    .findOneAndUpdate(
      { _id: id, $or: [{ "stage.pipeline": { $ne: pipeline } }, { "stage.stage": { $ne: stage } }] },
      { $set: { stage: { pipeline, stage, at: clock.now() } } },
      { returnDocument: "before" },
    );
  if (!before) return { changed: false };
  return { changed: true, from: before.stage?.pipeline === pipeline ? before.stage.stage : null };
}

/** Sets a custom field; `changed` is false when it already had that value. */
export async function setContactField(
  db: Db,
  contactId: string,
  fieldRaw: string,
  valueRaw: string,
): Promise<{ changed: boolean }> {
  const id = parseInput("contacts.setField", idSchema, contactId);
  const field = parseInput("contacts.setField", customFieldSchema, fieldRaw);
  const value = parseInput("contacts.setField", z.string().max(500), valueRaw);
  const result = await db
    .collection<ContactDoc>(COLLECTIONS.contacts)
    .updateOne({ _id: id, [`fields.${field}`]: { $ne: value } }, { $set: { [`fields.${field}`]: value } });
  return { changed: result.modifiedCount === 1 };
}

/** Conversations of an account whose last inbound message is older than `before`, oldest first. */
export async function findInactiveConversations(
  db: Db,
  accountIdRaw: string,
  before: Date,
  limit = 500,
): Promise<ConversationDoc[]> {
  const accountId = parseInput("conversations.findInactive", accountIdSchema, accountIdRaw);
  return db
    .collection<ConversationDoc>(COLLECTIONS.conversations)
    .find({ accountId, optedOut: false, lastInboundAt: { $lt: before } })
    .sort({ lastInboundAt: 1 })
    .limit(limit)
    .toArray();
}
