// automation_executions: one document per automation run (the history peers lack: research/anchors.md
// §3.5). Unique per (automation, trigger event id), so a redelivered event never runs an automation
// twice. Kept for a retention period (TTL index on `expireAt`, default 90 days).
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import type { ActionResultStatus, AutomationActionType, ExecutionStatus } from "../domain/automations.js";
import {
  ACTION_RESULT_STATUSES,
  ACTION_TYPES,
  automationNameSchema,
  eventNameSchema,
} from "../domain/automations.js";
import { accountIdSchema } from "../domain/account-id.js";
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import { isDuplicateKeyError } from "./errors.js";
import { newId } from "./ids.js";
import { parseInput } from "./validate.js";

export const DEFAULT_EXECUTION_RETENTION_DAYS = 90;

export interface ActionResult {
  index: number;
  type: AutomationActionType;
  status: ActionResultStatus;
  error?: string;
  at: Date;
}

export interface AutomationExecutionDoc {
  _id: string;
  automationId: string;
  automationName: string;
  automationVersion: number;
  /** Id of the event that triggered the run (Inngest event id). */
  triggerEventId: string;
  triggerEvent: string;
  accountId?: string;
  conversationId?: string;
  contactId?: string;
  /** How many automation runs caused this trigger (0 = a customer/staff action); loop protection. */
  depth: number;
  /** Event ids of the chain that led here, oldest first. */
  causedBy: string[];
  status: ExecutionStatus;
  /** Why it did not run ("conditions_not_met", "depth_exceeded", "rate_limited", "disabled"...). */
  skippedReason?: string;
  actions: ActionResult[];
  error?: string;
  startedAt: Date;
  finishedAt?: Date;
  /** TTL: the document is deleted after this time. */
  expireAt: Date;
}

export const executionIndexes: CollectionIndexes = {
  collection: COLLECTIONS.automationExecutions,
  indexes: [
    { name: "automation_trigger_event_unique", key: { automationId: 1, triggerEventId: 1 }, unique: true },
    { name: "automation_contact_started", key: { automationId: 1, contactId: 1, startedAt: -1 } },
    { name: "name_started", key: { automationName: 1, startedAt: -1 } },
    { name: "conversation_started", key: { conversationId: 1, startedAt: -1 } },
    { name: "expire_at_ttl", key: { expireAt: 1 }, expireAfterSeconds: 0 },
  ],
};

const idSchema = z.string().min(1).max(64);
const eventIdSchema = z.string().min(1).max(300);
const beginSchema = z
  .object({
    automationId: idSchema,
    automationName: automationNameSchema,
    automationVersion: z.number().int().positive(),
    triggerEventId: eventIdSchema,
    triggerEvent: eventNameSchema,
    accountId: accountIdSchema.optional(),
    conversationId: idSchema.optional(),
    contactId: idSchema.optional(),
    depth: z.number().int().nonnegative().max(100),
    causedBy: z.array(eventIdSchema).max(20).default([]),
  })
  .strict();
export type BeginExecutionInput = z.input<typeof beginSchema>;

const actionResultSchema = z
  .object({
    index: z.number().int().nonnegative().max(100),
    type: z.enum(ACTION_TYPES),
    status: z.enum(ACTION_RESULT_STATUSES),
    error: z
      .string()
      .transform((s) => s.slice(0, 500))
      .optional(),
  })
  .strict();
export type ActionResultInput = z.input<typeof actionResultSchema>;

const finishSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("succeeded") }).strict(),
  z.object({ status: z.literal("failed"), error: z.string().transform((s) => s.slice(0, 1000)) }).strict(),
  z.object({ status: z.literal("skipped"), skippedReason: z.string().min(1).max(200) }).strict(),
  z.object({ status: z.literal("cancelled"), skippedReason: z.string().min(1).max(200).optional() }).strict(),
]);
export type FinishExecutionInput = z.input<typeof finishSchema>;

export type BeginExecutionResult =
  | { started: true; execution: AutomationExecutionDoc }
  /** This automation already ran (or is running) for this event: do not run it again. */
  | { started: false; execution: AutomationExecutionDoc };

export interface AutomationExecutionsRepo {
  begin(input: BeginExecutionInput): Promise<BeginExecutionResult>;
  /** Records one action's result; recording the same index twice keeps the first (retried steps). */
  recordAction(executionId: string, result: ActionResultInput): Promise<{ recorded: boolean }>;
  /** running → final status; false if it had already finished. */
  finish(executionId: string, result: FinishExecutionInput): Promise<{ ok: boolean }>;
  getById(executionId: string): Promise<AutomationExecutionDoc | null>;
  /** Runs (not skipped) of an automation for a contact since `since`: the per-contact frequency cap. */
  countRunsForContactSince(automationId: string, contactId: string, since: Date): Promise<number>;
  /** Latest runs, newest first, by automation name and/or conversation (`/automation logs`). */
  listRecent(
    filter: { automationName?: string; conversationId?: string },
    limit?: number,
  ): Promise<AutomationExecutionDoc[]>;
}

export function automationExecutionsRepo(
  db: Db,
  options: { retentionDays?: number } = {},
): AutomationExecutionsRepo {
  const executions: Collection<AutomationExecutionDoc> = db.collection<AutomationExecutionDoc>(
    COLLECTIONS.automationExecutions,
  );
  const retentionMs = (options.retentionDays ?? DEFAULT_EXECUTION_RETENTION_DAYS) * 86_400_000;

  return {
    async begin(raw) {
      const input = parseInput("automationExecutions.begin", beginSchema, raw);
      const now = clock.now();
      const execution: AutomationExecutionDoc = {
        ...input,
        _id: newId("ax"),
        status: "running",
        actions: [],
        startedAt: now,
        expireAt: new Date(now.getTime() + retentionMs),
      };
      try {
        await executions.insertOne(execution);
        return { started: true, execution };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const existing = await executions.findOne({
          automationId: input.automationId,
          triggerEventId: input.triggerEventId,
        });
        if (!existing) throw error;
        return { started: false, execution: existing };
      }
    },

    async recordAction(executionId, raw) {
      const id = parseInput("automationExecutions.recordAction", idSchema, executionId);
      const result = parseInput("automationExecutions.recordAction", actionResultSchema, raw);
      const entry: ActionResult = { ...result, at: clock.now() };
      const updated = await executions.updateOne(
        { _id: id, "actions.index": { $ne: result.index } },
        { $push: { actions: entry } },
      );
      return { recorded: updated.modifiedCount === 1 };
    },

    async finish(executionId, raw) {
      const id = parseInput("automationExecutions.finish", idSchema, executionId);
      const result = parseInput("automationExecutions.finish", finishSchema, raw);
      const updated = await executions.updateOne(
        { _id: id, status: "running" },
        { $set: { ...result, finishedAt: clock.now() } },
      );
      return { ok: updated.modifiedCount === 1 };
    },

    async getById(executionId) {
      return executions.findOne({ _id: parseInput("automationExecutions.getById", idSchema, executionId) });
    },

    async countRunsForContactSince(automationId, contactId, since) {
      return executions.countDocuments({
        automationId: parseInput("automationExecutions.countRunsForContactSince", idSchema, automationId),
        contactId: parseInput("automationExecutions.countRunsForContactSince", idSchema, contactId),
        startedAt: { $gte: parseInput("automationExecutions.countRunsForContactSince", z.date(), since) },
        status: { $ne: "skipped" },
      });
    },

    async listRecent(filterRaw, limit = 20) {
      const filter = parseInput(
        "automationExecutions.listRecent",
        z
          .object({ automationName: automationNameSchema.optional(), conversationId: idSchema.optional() })
          .strict(),
        filterRaw,
      );
      const n = parseInput("automationExecutions.listRecent", z.number().int().min(1).max(200), limit);
      return executions
        .find({
          ...(filter.automationName ? { automationName: filter.automationName } : {}),
          ...(filter.conversationId ? { conversationId: filter.conversationId } : {}),
        })
        .sort({ startedAt: -1 })
        .limit(n)
        .toArray();
    },
  };
}
