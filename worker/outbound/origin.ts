import type { OutboundOrigin } from "../../shared/db/index.js";

/** What kind of outbound message a send request is, from its `reason` (kept with the stored message). */
export function originForReason(reason: string): OutboundOrigin {
  if (reason.startsWith("agent")) return "agent";
  if (reason.includes("nudge")) return "nudge";
  if (reason.startsWith("promo")) return "promos";
  if (reason.startsWith("order")) return "order_notification";
  if (reason.startsWith("automation")) return "automation";
  return "system";
}

/**
 * Whether a send request waits for business hours. Everything the product writes on its own does
 * (nudges, automations, order notifications); a reply to a customer who just wrote (the agent's,
 * handed over when WhatsApp was down) does not. Opt-out/opt-in confirmations never come this way.
 */
export function waitsForBusinessHours(reason: string): boolean {
  return originForReason(reason) !== "agent";
}
