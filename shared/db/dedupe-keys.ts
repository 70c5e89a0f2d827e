// dedupe_keys: "have we handled this already?" for deliveries that can repeat and have no document of
// their own (Slack Events API retries, webhook redeliveries). A unique _id decides; a TTL index
// (`expireAt`) forgets keys once a repeat can no longer arrive.
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import { isDuplicateKeyError } from "./errors.js";
import { parseInput } from "./validate.js";

export interface DedupeKeyDoc {
  /** "<scope>:<key>" */
  _id: string;
  scope: string;
  at: Date;
  expireAt: Date;
}

export const dedupeIndexes: CollectionIndexes = {
  collection: COLLECTIONS.dedupeKeys,
  indexes: [{ name: "expire_at_ttl", key: { expireAt: 1 }, expireAfterSeconds: 0 }],
};

const claimSchema = z
  .object({
    scope: z.string().regex(/^[a-z][a-z0-9_.-]{0,39}$/, "scope like slack.event"),
    key: z.string().min(1).max(300),
    ttlMs: z
      .number()
      .int()
      .min(1_000)
      .max(90 * 86_400_000),
  })
  .strict();

export interface DedupeRepo {
  /** True the first time (scope, key) is claimed within its time to live; false for a repeat. */
  claim(scope: string, key: string, ttlMs: number): Promise<{ first: boolean }>;
}

export function dedupeRepo(db: Db): DedupeRepo {
  const keys: Collection<DedupeKeyDoc> = db.collection<DedupeKeyDoc>(COLLECTIONS.dedupeKeys);
  return {
    async claim(scope, key, ttlMs) {
      const input = parseInput("dedupe.claim", claimSchema, { scope, key, ttlMs });
      const now = clock.now();
      const id = `${input.scope}:${input.key}`;
      // TTL deletion runs about once a minute: an expired key still present is treated as gone.
      await keys.deleteOne({ _id: id, expireAt: { $lte: now } });
      try {
        const result = await keys.updateOne(
          { _id: id },
          { $setOnInsert: { scope: input.scope, at: now, expireAt: new Date(now.getTime() + input.ttlMs) } },
          { upsert: true },
        );
        return { first: result.upsertedCount === 1 };
      } catch (error) {
        // Two upserts of the same new key at once: the unique _id lets one insert, the other loses.
        if (isDuplicateKeyError(error)) return { first: false };
        throw error;
      }
    },
  };
}
