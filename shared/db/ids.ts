// Document ids: short random strings with a prefix that says what they identify ("cv_…" is a
// conversation). Strings, not ObjectIds, so they travel unchanged in event payloads and Slack values.
import { randomBytes } from "node:crypto";
import { formatOrderId } from "../domain/orders.js";

/** ct contact, cv conversation, msg message, am automation, ax automation execution, au audit entry. */
export type IdPrefix = "ct" | "cv" | "msg" | "am" | "ax" | "au";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(12).toString("base64url")}`;
}

export function newOrderId(): string {
  return formatOrderId(randomBytes(8));
}
