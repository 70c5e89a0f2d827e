// Where the conversation goes once its order is decided: an approval closes the round; a rejection
// or an expiry goes back to the promotions, so the customer can choose again. Pure.
import type { ConversationMode } from "../../shared/domain/conversation.js";
import type { OrderDecided } from "../../shared/events.js";

export function modeAfterDecision(decision: OrderDecided["decision"]): ConversationMode {
  return decision === "approved" ? "closed" : "promos";
}
