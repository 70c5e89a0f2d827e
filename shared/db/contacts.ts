// contacts: one document per customer phone per WhatsApp account.
//
// Decision: uniqueness is (accountId, phone), not phone alone. Each worker serves one WhatsApp number
// (one business line); the same person writing to two of our numbers has two independent
// relationships there (own conversation, own opt-out), exactly as WhatsApp itself scopes chats.
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import { e164Schema } from "../domain/conversation.js";
import { accountIdSchema } from "../domain/account-id.js";
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import { isDuplicateKeyError } from "./errors.js";
import { newId } from "./ids.js";
import { parseInput } from "./validate.js";

export interface ContactDoc {
  _id: string;
  accountId: string;
  /** E.164, e.g. "+5215550001". */
  phone: string;
  /** The name the customer shows on WhatsApp (not validated data: see conversation.collected.name). */
  profileName?: string;
  tags: string[];
  /** Where the contact is in a sales pipeline (set by automations: shared/db/automation-crm.ts). */
  stage?: { pipeline: string; stage: string; at: Date };
  /** Custom CRM fields set by automations ("origen": "facebook"). */
  fields?: Record<string, string>;
  createdAt: Date;
  /**
   * Stamped when the contact is written (created, a new WhatsApp name); the gateway does not write
   * the contact for every message: when the customer last wrote is the conversation's
   * lastInboundAt (automations see the later of the two as contact.lastSeenAt).
   */
  lastSeenAt: Date;
}

export const contactIndexes: CollectionIndexes = {
  collection: COLLECTIONS.contacts,
  indexes: [{ name: "account_phone_unique", key: { accountId: 1, phone: 1 }, unique: true }],
};

const upsertSchema = z
  .object({
    accountId: accountIdSchema,
    phone: e164Schema,
    profileName: z
      .string()
      .transform((s) => s.trim().slice(0, 120))
      .optional(),
  })
  .strict();
export type UpsertContactInput = z.input<typeof upsertSchema>;

const idSchema = z.string().min(1).max(64);
const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "tag: lower-case letters, digits, '-' or '_'");

export interface ContactsRepo {
  /**
   * Finds the contact for this account and phone (stamping it) or creates it; `created` says which.
   * `likelyNew`: the caller found no conversation for the phone, so it tries the insert first.
   */
  upsertByPhone(
    input: UpsertContactInput,
    options?: { likelyNew?: boolean },
  ): Promise<{ contact: ContactDoc; created: boolean }>;
  getById(contactId: string): Promise<ContactDoc | null>;
  findByPhone(accountId: string, phone: string): Promise<ContactDoc | null>;
  /** Idempotent: `changed` is false when the tag was already there (so no event needs to be emitted). */
  addTag(contactId: string, tag: string): Promise<{ changed: boolean }>;
  removeTag(contactId: string, tag: string): Promise<{ changed: boolean }>;
}

export function contactsRepo(db: Db): ContactsRepo {
  const contacts: Collection<ContactDoc> = db.collection<ContactDoc>(COLLECTIONS.contacts);

  /** Touches an existing contact (last seen, WhatsApp name); null when there is none yet. */
  async function touch(input: z.output<typeof upsertSchema>): Promise<ContactDoc | null> {
    return contacts.findOneAndUpdate(
      { accountId: input.accountId, phone: input.phone },
      { $set: { lastSeenAt: clock.now(), ...(input.profileName ? { profileName: input.profileName } : {}) } },
      { returnDocument: "after" },
    );
  }

  return {
    async upsertByPhone(raw, options = {}) {
      const input = parseInput("contacts.upsertByPhone", upsertSchema, raw);
      // Usually for a known contact: update first, insert only when missing. The unique index
      // settles two first messages at once: the loser's insert fails and it reads the winner's.
      if (!options.likelyNew) {
        const existing = await touch(input);
        if (existing) return { contact: existing, created: false };
      }
      const now = clock.now();
      const contact: ContactDoc = {
        _id: newId("ct"),
        accountId: input.accountId,
        phone: input.phone,
        ...(input.profileName ? { profileName: input.profileName } : {}),
        tags: [],
        createdAt: now,
        lastSeenAt: now,
      };
      try {
        await contacts.insertOne(contact);
        return { contact, created: true };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const winner = await touch(input);
        if (!winner) throw error;
        return { contact: winner, created: false };
      }
    },

    async getById(contactId) {
      return contacts.findOne({ _id: parseInput("contacts.getById", idSchema, contactId) });
    },

    async findByPhone(accountId, phone) {
      return contacts.findOne({
        accountId: parseInput("contacts.findByPhone", accountIdSchema, accountId),
        phone: parseInput("contacts.findByPhone", e164Schema, phone),
      });
    },

    async addTag(contactId, tag) {
      const id = parseInput("contacts.addTag", idSchema, contactId);
      const value = parseInput("contacts.addTag", tagSchema, tag);
      const result = await contacts.updateOne({ _id: id }, { $addToSet: { tags: value } });
      return { changed: result.modifiedCount === 1 };
    },

    async removeTag(contactId, tag) {
      const id = parseInput("contacts.removeTag", idSchema, contactId);
      const value = parseInput("contacts.removeTag", tagSchema, tag);
      const result = await contacts.updateOne({ _id: id }, { $pull: { tags: value } });
      return { changed: result.modifiedCount === 1 };
    },
  };
}
