// ops_alerts: one document per failed run (`_id` "run:<run id>"), the alert posted for it in the ops
// channel, and its retries. A repeated failure announcement finds the same document, so the alert is
// posted once; a retry is one conditional update, so two clicks retry once.
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import type { SlackMessageRef } from "./orders.js";
import { parseInput } from "./validate.js";

export const OPS_ALERT_STATES = ["failed", "retrying", "succeeded", "failed_again"] as const;
export type OpsAlertState = (typeof OPS_ALERT_STATES)[number];

export interface OpsAlertRetry {
  by: string;
  at: Date;
  /** Id of the event sent again. */
  eventId: string;
  outcome?: "succeeded" | "failed";
  endedAt?: Date;
  error?: string;
}

export interface OpsAlertDoc {
  _id: string;
  /** The registered function id, e.g. "salesbot-worker-default-handle-message". */
  functionId: string;
  runId: string;
  /** The event the failed run was started by (sent again on Retry). */
  event: { name: string; id?: string; data: Record<string, unknown> };
  /** What it was working on: orderId, conversationId, automationId... */
  subject: Record<string, string>;
  /** The error in one line, masked. */
  error: string;
  at: Date;
  state: OpsAlertState;
  message?: SlackMessageRef;
  retries: OpsAlertRetry[];
}

export const opsAlertIndexes: CollectionIndexes = {
  collection: COLLECTIONS.opsAlerts,
  indexes: [
    { name: "retry_event", key: { "retries.eventId": 1 } },
    { name: "at", key: { at: 1 } },
  ],
};

const createSchema = z
  .object({
    functionId: z.string().min(1).max(300),
    runId: z.string().min(1).max(200),
    event: z.object({
      name: z.string().min(1).max(200),
      id: z.string().max(400).optional(),
      data: z.record(z.string(), z.unknown()),
    }),
    subject: z.record(z.string(), z.string().max(200)),
    error: z.string().max(500),
    at: z.date(),
  })
  .strict();

export function opsAlertId(runId: string): string {
  return `run:${runId}`;
}

export interface OpsAlertsRepo {
  /** The failed run's alert; `first` is true for the call that created it. */
  create(input: z.input<typeof createSchema>): Promise<{ first: boolean; alert: OpsAlertDoc }>;
  get(alertId: string): Promise<OpsAlertDoc | null>;
  attachMessage(alertId: string, message: SlackMessageRef): Promise<void>;
  /** failed / failed_again → retrying with this retry; null when a retry is already running. */
  claimRetry(alertId: string, retry: { by: string; at: Date; eventId: string }): Promise<OpsAlertDoc | null>;
  findByRetryEvent(eventId: string): Promise<OpsAlertDoc | null>;
  /** The retry's run ended; null when its outcome was already recorded. */
  recordOutcome(
    eventId: string,
    outcome: { outcome: "succeeded" | "failed"; endedAt: Date; error?: string },
  ): Promise<OpsAlertDoc | null>;
  countBetween(from: Date, to: Date): Promise<number>;
}

export function opsAlertsRepo(db: Db): OpsAlertsRepo {
  const alerts: Collection<OpsAlertDoc> = db.collection<OpsAlertDoc>(COLLECTIONS.opsAlerts);
  const idOf = (v: string) => parseInput("opsAlerts.id", z.string().min(1).max(300), v);
  return {
    async create(raw) {
      const input = parseInput("opsAlerts.create", createSchema, raw);
      const _id = opsAlertId(input.runId);
      const result = await alerts.updateOne(
        { _id },
        { $setOnInsert: { ...input, state: "failed", retries: [] } },
        { upsert: true },
      );
      const alert = await alerts.findOne({ _id });
      if (!alert) throw new Error(`alert ${_id} could not be stored`);
      return { first: result.upsertedCount === 1, alert };
    },
    get: (alertId) => alerts.findOne({ _id: idOf(alertId) }),
    async attachMessage(alertId, message) {
      await alerts.updateOne({ _id: idOf(alertId) }, { $set: { message } });
    },
    claimRetry(alertId, retry) {
      return alerts.findOneAndUpdate(
        { _id: idOf(alertId), state: { $in: ["failed", "failed_again"] } },
        { $set: { state: "retrying" }, $push: { retries: retry } },
        { returnDocument: "after" },
      );
    },
    findByRetryEvent: (eventId) => alerts.findOne({ "retries.eventId": idOf(eventId) }),
    async recordOutcome(eventId, outcome) {
      const alert = await alerts.findOne({ "retries.eventId": idOf(eventId) });
      if (!alert) return null;
      const index = alert.retries.findIndex((r) => r.eventId === eventId);
      const retry = alert.retries[index];
      if (!retry || retry.outcome) return null;
      const updated: OpsAlertRetry = { ...retry, ...outcome };
      return alerts.findOneAndUpdate(
        {
          _id: alert._id,
          [`retries.${index}.eventId`]: eventId,
          [`retries.${index}.outcome`]: { $exists: false },
        },
        {
          $set: {
            [`retries.${index}`]: updated,
            state: outcome.outcome === "succeeded" ? "succeeded" : "failed_again",
          },
        },
        { returnDocument: "after" },
      );
    },
    countBetween(from, to) {
      return alerts.countDocuments({ at: { $gte: from, $lt: to } });
    },
  };
}
