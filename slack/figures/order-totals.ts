// How many orders, and for how much, among those a filter picks: what the daily digest and the Home
// tab count. One aggregation, optionally grouped by status.
import type { Db, Filter } from "mongodb";
import { COLLECTIONS, type OrderDoc } from "../../shared/db/index.js";

export interface OrderTotal {
  /** The status with `byStatus`, else null. */
  _id: string | null;
  count: number;
  amountMinor: number;
  currency: string;
}

export function orderTotals(db: Db, match: Filter<OrderDoc>, byStatus = false): Promise<OrderTotal[]> {
  return db
    .collection<OrderDoc>(COLLECTIONS.orders)
    .aggregate<OrderTotal>([
      { $match: match },
      {
        $group: {
          _id: byStatus ? "$status" : null,
          count: { $sum: 1 },
          amountMinor: { $sum: "$totalMinor" },
          currency: { $first: "$currency" },
        },
      },
    ])
    .toArray();
}
