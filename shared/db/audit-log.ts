// audit_log: who did what, when, to what. Written for every decision and admin change (order
// approved, automation disabled, automated message dropped for an opted-out contact...).
// No TTL: the audit trail is kept; prune it deliberately if a retention policy requires it.
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import type { Actor } from "../domain/actor.js";
import { actorSchema } from "../domain/actor.js";
import { accountIdSchema } from "../domain/account-id.js";
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import { newOrderedId } from "./ids.js";
import { parseInput } from "./validate.js";

export const AUDIT_SUBJECT_TYPES = [
  "order",
  "automation",
  "conversation",
  "contact",
  "message",
  "catalog",
] as const;
export type AuditSubjectType = (typeof AUDIT_SUBJECT_TYPES)[number];

export type AuditDetailValue = string | number | boolean | null;

export interface AuditEntryDoc {
  _id: string;
  at: Date;
  actor: Actor;
  /** Dotted verb, e.g. "order.approved", "automation.disabled", "message.dropped_opted_out". */
  action: string;
  subject: { type: AuditSubjectType; id: string };
  accountId?: string;
  /** Flat, small facts (never secrets or phone numbers). */
  details?: Record<string, AuditDetailValue>;
}

export const auditIndexes: CollectionIndexes = {
  collection: COLLECTIONS.auditLog,
  indexes: [
    // `_id` breaks ties between entries of the same millisecond (ids sort in the order they were made).
    { name: "subject_at_id", key: { "subject.type": 1, "subject.id": 1, at: -1, _id: -1 } },
    { name: "at_id", key: { at: -1, _id: -1 } },
  ],
};

const recordSchema = z
  .object({
    actor: actorSchema,
    action: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){1,3}$/, 'action like "order.approved"'),
    subject: z.object({ type: z.enum(AUDIT_SUBJECT_TYPES), id: z.string().min(1).max(100) }).strict(),
    accountId: accountIdSchema.optional(),
    // Keys are plain identifiers: a key like "$set" or "a.b" cannot reach the stored document.
    details: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,39}$/, "detail key: identifier"),
        z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]),
      )
      .refine((d) => Object.keys(d).length <= 30, "at most 30 details")
      .optional(),
  })
  .strict();
export type AuditRecordInput = z.input<typeof recordSchema>;

export interface AuditRepo {
  record(entry: AuditRecordInput): Promise<AuditEntryDoc>;
  /** Entries about one subject, newest first. */
  listForSubject(type: AuditSubjectType, id: string, limit?: number): Promise<AuditEntryDoc[]>;
  listRecent(limit?: number): Promise<AuditEntryDoc[]>;
}

export function auditRepo(db: Db): AuditRepo {
  const audit: Collection<AuditEntryDoc> = db.collection<AuditEntryDoc>(COLLECTIONS.auditLog);
  const limitSchema = z.number().int().min(1).max(500);

  return {
    async record(raw) {
      const input = parseInput("audit.record", recordSchema, raw);
      const entry: AuditEntryDoc = { _id: newOrderedId("au"), at: clock.now(), ...input };
      await audit.insertOne(entry);
      return entry;
    },

    async listForSubject(type, id, limit = 50) {
      const subject = parseInput(
        "audit.listForSubject",
        z.object({ type: z.enum(AUDIT_SUBJECT_TYPES), id: z.string().min(1).max(100) }),
        { type, id },
      );
      return audit
        .find({ "subject.type": subject.type, "subject.id": subject.id })
        .sort({ at: -1, _id: -1 })
        .limit(parseInput("audit.listForSubject", limitSchema, limit))
        .toArray();
    },

    async listRecent(limit = 50) {
      return audit
        .find({})
        .sort({ at: -1, _id: -1 })
        .limit(parseInput("audit.listRecent", limitSchema, limit))
        .toArray();
    },
  };
}
