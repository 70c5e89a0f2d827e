// automation_executions: one document per automation run (the history peers lack): the trigger
// event, whether the conditions matched (and which one failed), every action's status, timing and
// error, the final status, the cascade depth and what caused it. Unique per (automation, trigger
// event id), so a redelivered event never runs an automation twice. Kept for a retention period
// (TTL index on `expireAt`, default 90 days).
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import type { ActionResultStatus, AutomationActionType, ExecutionStatus } from "../domain/automations.js";
import { ACTION_TYPES, automationNameSchema, triggerTypeSchema } from "../domain/automations.js";
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
  /** What it did, e.g. "tag lead added", "already tagged lead: nothing changed", "HTTP 200". */
  detail?: string;
  error?: string;
  startedAt?: Date;
  finishedAt?: Date;
}

export interface AutomationExecutionDoc {
  _id: string;
  automationId: string;
  automationName: string;
  automationVersion: number;
  trigger: string;
  /** Id and name of the event that triggered the run, and its data. */
  triggerEventId: string;
  triggerEvent: string;
  triggerData: Record<string, unknown>;
  accountId?: string;
  conversationId?: string;
  contactId?: string;
  /** How many automation runs caused this trigger (0 = a customer/staff action); loop protection. */
  depth: number;
  /** Ids of the automations whose runs led here, oldest first. */
  causedBy: string[];
  /** Execution that emitted the trigger event, when an automation did. */
  causedByExecutionId?: string;
  matched: boolean;
  /** Why the conditions did not match ("group 1: order.totalMinor gt 100000 (was 49900)"). */
  failedCondition?: string;
  status: ExecutionStatus;
  /** Why it stopped early (loop, disabled, rate limit). */
  reason?: string;
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
    { name: "automation_status", key: { automationId: 1, status: 1 } },
    { name: "expire_at_ttl", key: { expireAt: 1 }, expireAfterSeconds: 0 },
  ],
};

const idSchema = z.string().min(1).max(64);
const eventIdSchema = z.string().min(1).max(300);
const outcomeStatuses = ["running", "loop", "not_matched", "rate_limited"] as const;
const beginSchema = z
  .object({
    automationId: idSchema,
    automationName: automationNameSchema,
    automationVersion: z.number().int().positive(),
    trigger: triggerTypeSchema,
    triggerEventId: eventIdSchema,
    triggerEvent: z.string().min(1).max(100),
    triggerData: z.record(z.string(), z.unknown()),
    accountId: accountIdSchema.optional(),
    conversationId: idSchema.optional(),
    contactId: idSchema.optional(),
    depth: z.number().int().nonnegative().max(100),
    causedBy: z.array(idSchema).max(100).default([]),
    causedByExecutionId: idSchema.optional(),
    /** The planned actions (recorded "pending"; a run that does not start records none). */
    actions: z.array(z.enum(ACTION_TYPES)).max(20),
    /** running = the actions start now; the others end the run at once. */
    status: z.enum(outcomeStatuses),
    matched: z.boolean(),
    failedCondition: z.string().max(1_000).optional(),
    reason: z.string().max(300).optional(),
    error: z.string().max(1_000).optional(),
  })
  .strict();
export type BeginExecutionInput = z.input<typeof beginSchema>;

const actionUpdateSchema = z
  .object({
    status: z.enum(["running", "succeeded", "failed", "skipped"]),
    detail: z
      .string()
      .transform((s) => s.slice(0, 300))
      .optional(),
    error: z
      .string()
      .transform((s) => s.slice(0, 500))
      .optional(),
    startedAt: z.date().optional(),
    finishedAt: z.date().optional(),
  })
  .strict();
export type ActionUpdateInput = z.input<typeof actionUpdateSchema>;

const finishSchema = z
  .object({
    status: z.enum(["succeeded", "failed", "stopped", "cancelled"]),
    reason: z.string().max(300).optional(),
    error: z
      .string()
      .transform((s) => s.slice(0, 1000))
      .optional(),
  })
  .strict();
export type FinishExecutionInput = z.input<typeof finishSchema>;

export type BeginExecutionResult =
  | { started: true; execution: AutomationExecutionDoc }
  /** This automation already ran (or is running) for this event: do not run it again. */
  | { started: false; execution: AutomationExecutionDoc };

export interface AutomationExecutionsRepo {
  begin(input: BeginExecutionInput): Promise<BeginExecutionResult>;
  /** Sets one action's result while the run is running (a retried step writes the same again). */
  updateAction(executionId: string, index: number, update: ActionUpdateInput): Promise<{ ok: boolean }>;
  /**
   * running → final status; pending/running actions become `skipped`. Returns the finished execution,
   * or ok false if it had already finished (or is unknown).
   */
  finish(
    executionId: string,
    result: FinishExecutionInput,
  ): Promise<{ ok: true; execution: AutomationExecutionDoc } | { ok: false }>;
  /** Marks every running execution of an automation cancelled (the toggle cancelled their runs). */
  cancelRunning(automationId: string, reason: string): Promise<{ cancelled: number }>;
  getById(executionId: string): Promise<AutomationExecutionDoc | null>;
  /** Runs that started (not skipped) of an automation for a contact since `since`: the frequency cap. */
  countRunsForContactSince(automationId: string, contactId: string, since: Date): Promise<number>;
  /** Latest runs, newest first, by automation name and/or conversation (`/automation runs`). */
  listRecent(
    filter: { automationName?: string; conversationId?: string },
    limit?: number,
  ): Promise<AutomationExecutionDoc[]>;
}

/** Statuses of runs that did something (counted by the per-contact frequency cap). */
const STARTED_STATUSES: ExecutionStatus[] = ["running", "succeeded", "failed", "stopped", "cancelled"];

export function automationExecutionsRepo(
  db: Db,
  options: { retentionDays?: number } = {},
): AutomationExecutionsRepo {
  const executions: Collection<AutomationExecutionDoc> = db.collection<AutomationExecutionDoc>(
    COLLECTIONS.automationExecutions,
  );
  const retentionMs = (options.retentionDays ?? DEFAULT_EXECUTION_RETENTION_DAYS) * 86_400_000;

  /** Every action not yet done is recorded as skipped (the run ended before it); no write if none. */
  async function skipRemaining(doc: AutomationExecutionDoc): Promise<AutomationExecutionDoc> {
    const undone = (a: ActionResult) => a.status === "pending" || a.status === "running";
    if (!doc.actions.some(undone)) return doc;
    const actions = doc.actions.map((a) => (undone(a) ? { ...a, status: "skipped" as const } : a));
    await executions.updateOne({ _id: doc._id }, { $set: { actions } });
    return { ...doc, actions };
  }

  return {
    async begin(raw) {
      const { actions, ...input } = parseInput("automationExecutions.begin", beginSchema, raw);
      const now = clock.now();
      const final = input.status !== "running";
      const execution: AutomationExecutionDoc = {
        ...input,
        _id: newId("ax"),
        actions: actions.map((type, index) => ({ index, type, status: final ? "skipped" : "pending" })),
        startedAt: now,
        ...(final ? { finishedAt: now } : {}),
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

    async updateAction(executionId, indexRaw, raw) {
      const id = parseInput("automationExecutions.updateAction", idSchema, executionId);
      const index = parseInput(
        "automationExecutions.updateAction",
        z.number().int().min(0).max(19),
        indexRaw,
      );
      const update = parseInput("automationExecutions.updateAction", actionUpdateSchema, raw);
      const set = Object.fromEntries(
        Object.entries(update)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [`actions.${index}.${k}`, v]),
      );
      const updated = await executions.updateOne({ _id: id, status: "running" }, { $set: set });
      return { ok: updated.matchedCount === 1 };
    },

    async finish(executionId, raw) {
      const id = parseInput("automationExecutions.finish", idSchema, executionId);
      const result = parseInput("automationExecutions.finish", finishSchema, raw);
      const finished = await executions.findOneAndUpdate(
        { _id: id, status: "running" },
        { $set: { ...result, finishedAt: clock.now() } },
        { returnDocument: "after" },
      );
      if (!finished) return { ok: false };
      return { ok: true, execution: await skipRemaining(finished) };
    },

    async cancelRunning(automationId, reason) {
      const id = parseInput("automationExecutions.cancelRunning", idSchema, automationId);
      const running = await executions.find({ automationId: id, status: "running" }).toArray();
      let cancelled = 0;
      for (const doc of running) {
        const updated = await executions.findOneAndUpdate(
          { _id: doc._id, status: "running" },
          { $set: { status: "cancelled", reason, finishedAt: clock.now() } },
          { returnDocument: "after" },
        );
        if (updated) {
          cancelled += 1;
          await skipRemaining(updated);
        }
      }
      return { cancelled };
    },

    async getById(executionId) {
      return executions.findOne({ _id: parseInput("automationExecutions.getById", idSchema, executionId) });
    },

    async countRunsForContactSince(automationId, contactId, since) {
      return executions.countDocuments({
        automationId: parseInput("automationExecutions.countRunsForContactSince", idSchema, automationId),
        contactId: parseInput("automationExecutions.countRunsForContactSince", idSchema, contactId),
        startedAt: { $gte: parseInput("automationExecutions.countRunsForContactSince", z.date(), since) },
        status: { $in: STARTED_STATUSES },
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
