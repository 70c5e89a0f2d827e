import type { OutboundOrigin } from "../../shared/db/index.js";

/** What kind of outbound message a send request is, from its `reason` (kept with the stored message). */
export function originForReason(reason: string): OutboundOrigin {
  if (reason.includes("nudge")) return "nudge";
  if (reason.startsWith("promo")) return "promos";
  if (reason.startsWith("order")) return "order_notification";
  if (reason.startsWith("automation")) return "automation";
  return "system";
}
