// The send budget: at most `perRecipient` proactive messages to one recipient and `perAccount` from
// one account in any window of `periodMs`, checked at the moment of sending. It lives in MongoDB so
// every attempt sees every other one: runs that slept through the night, retried a failed send or
// waited for WhatsApp to come back all take their slot when they send, not when they started.
//
// One document per scope (an account, or an account + recipient) holds the sends of the last window
// (a sliding log). Taking a slot is one conditional update: it adds the send only while the window
// holds fewer than the limit, so two workers racing for the last slot cannot both get it.
import { createHash } from "node:crypto";
import type { Collection, Db } from "mongodb";

export const SEND_BUDGET_COLLECTION = "send_budget";

interface SendEntry {
  at: number;
  key: string;
}

interface BudgetDoc {
  _id: string;
  entries: SendEntry[];
  /** Removed by a TTL index once the window has long passed. */
  expiresAt: Date;
}

export interface SendLimits {
  perRecipient: number;
  perAccount: number;
  periodMs: number;
}

export type SlotResult = { ok: true } | { ok: false; retryAtMs: number };

/** Recipient numbers are not stored as ids: a short hash of account + number is enough to count. */
function recipientScope(accountId: string, to: string): string {
  const digest = createHash("sha256").update(`${accountId}\u0000${to}`).digest("hex").slice(0, 24);
  return `to:${digest}`;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 11000;
}

export class SendBudget {
  private indexed: Promise<unknown> | undefined;

  constructor(
    private readonly db: Db,
    readonly limits: SendLimits,
  ) {
    for (const [name, value] of Object.entries({
      perRecipient: limits.perRecipient,
      perAccount: limits.perAccount,
    })) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
    }
    if (!(limits.periodMs > 0)) throw new RangeError("periodMs must be positive");
  }

  /** Looked up on use: building the function needs no database. */
  private get budget(): Collection<BudgetDoc> {
    return this.db.collection<BudgetDoc>(SEND_BUDGET_COLLECTION);
  }

  /**
   * Takes a slot for one send to `to` now, in the recipient's and in the account's window; or says
   * when the earliest one frees up. `key` names the send (its dedupe key), so a slot taken for the
   * recipient can be given back when the account has none.
   */
  async take(accountId: string, to: string, key: string, nowMs: number): Promise<SlotResult> {
    this.indexed ??= this.budget.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await this.indexed;
    const recipient = `${accountId}:${recipientScope(accountId, to)}`;
    const account = `${accountId}:account`;
    const entry = { at: nowMs, key };
    if (!(await this.add(recipient, this.limits.perRecipient, entry))) {
      return { ok: false, retryAtMs: await this.freesAt(recipient, this.limits.perRecipient, nowMs) };
    }
    if (!(await this.add(account, this.limits.perAccount, entry))) {
      await this.budget.updateOne({ _id: recipient }, { $pull: { entries: entry } });
      return { ok: false, retryAtMs: await this.freesAt(account, this.limits.perAccount, nowMs) };
    }
    return { ok: true };
  }

  /** Adds the send to the scope's window if it holds fewer than `limit` sends of the last period. */
  private async add(scope: string, limit: number, entry: SendEntry): Promise<boolean> {
    const since = entry.at - this.limits.periodMs;
    const recent = { $filter: { input: { $ifNull: ["$entries", []] }, cond: { $gt: ["$$this.at", since] } } };
    const filter = { _id: scope, $expr: { $lt: [{ $size: recent }, limit] } };
    const update = [
      {
        $set: {
          entries: { $concatArrays: [recent, [{ $literal: entry }]] },
          expiresAt: { $literal: new Date(entry.at + 2 * this.limits.periodMs) },
        },
      },
    ];
    try {
      const result = await this.budget.updateOne(filter, update, { upsert: true });
      return result.matchedCount + result.upsertedCount > 0;
    } catch (error) {
      // The window is full (the filter missed an existing document), or another send created the
      // document a moment before: one more try without creating it tells which.
      if (!isDuplicateKey(error)) throw error;
      const again = await this.budget.updateOne(filter, update);
      return again.matchedCount > 0;
    }
  }

  /** When the scope's window next has room: the send `limit` places back leaves it. */
  private async freesAt(scope: string, limit: number, nowMs: number): Promise<number> {
    const doc = await this.budget.findOne({ _id: scope });
    const times = (doc?.entries ?? [])
      .map((e) => e.at)
      .filter((at) => at > nowMs - this.limits.periodMs)
      .sort((a, b) => a - b);
    const anchor = times[times.length - limit];
    return Math.max(nowMs + 1, (anchor ?? nowMs) + this.limits.periodMs + 1);
  }
}
