// Document ids: short random strings with a prefix that says what they identify ("cv_…" is a
// conversation). Strings, not ObjectIds, so they travel unchanged in event payloads and Slack values.
import { randomBytes } from "node:crypto";
import { formatOrderId } from "../domain/orders.js";

/** ct contact, cv conversation, msg message, am automation, ax automation execution, au audit entry. */
export type IdPrefix = "ct" | "cv" | "msg" | "am" | "ax" | "au";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(12).toString("base64url")}`;
}

let lastTick = 0;

/**
 * An id that sorts after every id this process made before it (a fixed-width base-36 tick, then
 * randomness): the tiebreak that keeps entries written in the same millisecond in the order they were
 * written. The tick is the system time in ms, moved on by one when it has not advanced.
 */
export function newOrderedId(prefix: IdPrefix): string {
  lastTick = Math.max(Date.now(), lastTick + 1);
  return `${prefix}_${lastTick.toString(36).padStart(9, "0")}${randomBytes(8).toString("base64url")}`;
}

export function newOrderId(): string {
  return formatOrderId(randomBytes(8));
}
