// Yesterday's numbers for the daily digest, from MongoDB aggregations over one business day
// [from, to): conversations with messages, new contacts, orders by what happened to them, the median
// time to a decision, handoffs, model usage and automation runs.
import { COLLECTIONS, type DbHandle, type UsageDailyDoc } from "../../shared/db/index.js";
import { orderTotals } from "../figures/order-totals.js";

export interface DigestFigures {
  day: string;
  conversations: number;
  newContacts: number;
  orders: Record<"created" | "approved" | "rejected" | "expired", { count: number; amountMinor: number }>;
  currency: string;
  /** Median from creation to approval or rejection of the orders decided that day; null without any. */
  medianDecisionMs: number | null;
  handoffs: number;
  tokens: number;
  costMicroUsd: number;
  automationRuns: number;
  automationFailures: number;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

export async function digestFigures(
  db: Pick<DbHandle, "db" | "handoffThreads">,
  range: { day: string; from: Date; to: Date },
): Promise<DigestFigures> {
  const { from, to } = range;
  const at = { $gte: from, $lt: to };
  const c = (name: string) => db.db.collection(name);

  const [conversations] = await c(COLLECTIONS.messages)
    .aggregate<{ n: number }>([{ $match: { at } }, { $group: { _id: "$conversationId" } }, { $count: "n" }])
    .toArray();
  const newContacts = await c(COLLECTIONS.contacts).countDocuments({ createdAt: at });

  const [created] = await orderTotals(db.db, { createdAt: at });
  const decided = await orderTotals(
    db.db,
    { decidedAt: at, status: { $in: ["approved", "rejected", "expired"] } },
    true,
  );
  const decisionTimes = await c(COLLECTIONS.orders)
    .find(
      { decidedAt: at, status: { $in: ["approved", "rejected"] } },
      { projection: { createdAt: 1, decidedAt: 1 } },
    )
    .toArray();
  const of = (status: string) => {
    const row = decided.find((d) => d._id === status);
    return { count: row?.count ?? 0, amountMinor: row?.amountMinor ?? 0 };
  };

  const usage = await c(COLLECTIONS.usageDaily).findOne<UsageDailyDoc>({ _id: range.day as never });
  const [runs] = await c(COLLECTIONS.automationExecutions)
    .aggregate<{ runs: number; failures: number }>([
      { $match: { startedAt: at, status: { $ne: "not_matched" } } },
      {
        $group: {
          _id: null,
          runs: { $sum: 1 },
          failures: { $sum: { $cond: [{ $eq: ["$status", "failed"] }, 1, 0] } },
        },
      },
    ])
    .toArray();

  return {
    day: range.day,
    conversations: conversations?.n ?? 0,
    newContacts,
    orders: {
      created: { count: created?.count ?? 0, amountMinor: created?.amountMinor ?? 0 },
      approved: of("approved"),
      rejected: of("rejected"),
      expired: of("expired"),
    },
    currency: created?.currency ?? decided[0]?.currency ?? "MXN",
    medianDecisionMs: median(
      decisionTimes.map((o) => (o["decidedAt"] as Date).getTime() - (o["createdAt"] as Date).getTime()),
    ),
    handoffs: await db.handoffThreads.countStarted(from, to),
    tokens: usage
      ? usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens
      : 0,
    costMicroUsd: usage?.costMicroUsd ?? 0,
    automationRuns: runs?.runs ?? 0,
    automationFailures: runs?.failures ?? 0,
  };
}

/** Nothing happened that day. */
export function isQuietDay(f: DigestFigures): boolean {
  return (
    f.conversations === 0 &&
    f.newContacts === 0 &&
    Object.values(f.orders).every((o) => o.count === 0) &&
    f.handoffs === 0 &&
    f.tokens === 0 &&
    f.automationRuns === 0
  );
}
