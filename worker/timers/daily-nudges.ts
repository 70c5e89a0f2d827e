// How many nudges of a kind one conversation got today (the business's local day): a customer gets
// at most `timers.dataCollectionMaxNudges` a day, however often the conversation changes mode,
// opts out and in again, or starts a new round. One document per conversation, kind and day; each
// nudge is counted by its dedupe key, so a retried step counts it once, and the count is one
// conditional update, so two timers racing for the last nudge of the day cannot both send.
import type { Collection, Db } from "mongodb";
import type { NudgeKind } from "../../shared/domain/conversation.js";

export const DAILY_NUDGES_COLLECTION = "daily_nudges";
const KEEP_MS = 3 * 24 * 3_600_000;

interface DailyNudgesDoc {
  _id: string;
  count: number;
  keys: string[];
  expiresAt: Date;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 11000;
}

export class DailyNudges {
  private indexed: Promise<unknown> | undefined;

  constructor(private readonly db: Db) {}

  /** Looked up on use: building the timer needs no database. */
  private get days(): Collection<DailyNudgesDoc> {
    return this.db.collection<DailyNudgesDoc>(DAILY_NUDGES_COLLECTION);
  }

  /** Counts the nudge `key` for `day` ("2026-12-01") unless `max` were counted already; false = over. */
  async count(
    conversationId: string,
    kind: NudgeKind,
    day: string,
    key: string,
    max: number,
    nowMs: number,
  ): Promise<boolean> {
    this.indexed ??= this.days.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await this.indexed;
    const _id = `${conversationId}:${kind}:${day}`;
    if (await this.days.findOne({ _id, keys: key }, { projection: { _id: 1 } })) return true;
    const filter = { _id, count: { $lt: max }, keys: { $ne: key } };
    const update = {
      $inc: { count: 1 },
      $push: { keys: key },
      $setOnInsert: { expiresAt: new Date(nowMs + KEEP_MS) },
    };
    try {
      const result = await this.days.updateOne(filter, update, { upsert: true });
      return result.matchedCount + result.upsertedCount > 0;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Full (or counted a moment ago by a retry of this same nudge, or created by another timer).
      const again = await this.days.updateOne(filter, update);
      if (again.matchedCount > 0) return true;
      return (await this.days.findOne({ _id, keys: key }, { projection: { _id: 1 } })) !== null;
    }
  }
}
